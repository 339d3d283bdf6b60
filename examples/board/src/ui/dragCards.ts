/**
 * Desktop drag and drop of cards between and within lists (HTML5 DnD).
 * Touch devices move cards with the buttons of the card editor instead,
 * which works the same with one thumb and needs no gesture library.
 */
export function enableCardDrag(ol: HTMLOListElement, listId: string, drop: (cardId: string, listId: string, index: number) => void): void {
  ol.addEventListener('dragstart', (e) => {
    const li = (e.target as HTMLElement).closest<HTMLElement>('[data-card-id]');
    if (!li || !e.dataTransfer) return;
    e.dataTransfer.setData('text/x-card-id', li.dataset.cardId!);
    e.dataTransfer.effectAllowed = 'move';
    li.classList.add('dragging');
  });
  ol.addEventListener('dragend', (e) => (e.target as HTMLElement).closest('[data-card-id]')?.classList.remove('dragging'));
  ol.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types.includes('text/x-card-id')) e.preventDefault();
  });
  ol.addEventListener('drop', (e) => {
    const id = e.dataTransfer?.getData('text/x-card-id');
    if (!id) return;
    e.preventDefault();
    const others = [...ol.querySelectorAll<HTMLElement>('[data-card-id]')].filter((el) => el.dataset.cardId !== id);
    const index = others.findIndex((el) => {
      const r = el.getBoundingClientRect();
      return e.clientY < r.top + r.height / 2;
    });
    drop(id, listId, index < 0 ? others.length : index);
  });
}
