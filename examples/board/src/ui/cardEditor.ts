/**
 * The card sheet: a <dialog> (a bottom sheet on phones) to rename, move or
 * delete one card. It lives outside the board's DOM so live re-renders of
 * the board never reset what you are typing.
 */
import type { Card, List } from '../model/types.js';
import { byOrder } from '../model/order.js';
import { h } from './dom.js';

export interface EditorActions {
  rename(id: string, title: string): void;
  move(id: string, listId: string, index: number): void;
  remove(id: string): void;
}

export function createCardEditor(container: HTMLElement, actions: EditorActions) {
  const title = h('textarea', { rows: 3, maxlength: 500, 'data-testid': 'card-title-input', 'aria-label': 'Card title' });
  const where = h('p', { class: 'where', 'data-testid': 'card-where' });
  const btn = (label: string, testid: string, cls = '') => h('button', { type: 'button', class: cls, 'data-testid': testid }, label);
  const prev = btn('◀ List', 'move-prev-list');
  const next = btn('List ▶', 'move-next-list');
  const up = btn('▲ Up', 'move-up');
  const down = btn('▼ Down', 'move-down');
  const del = btn('Delete', 'delete-card', 'danger');
  const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-card' }, 'Save');
  const close = btn('Close', 'close-card');
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', {}, 'Card'),
    title,
    where,
    h('div', { class: 'move-row' }, prev, up, down, next),
    h('div', { class: 'action-row' }, del, close, save),
  );
  const dialog = h('dialog', { class: 'card-editor', 'data-testid': 'card-editor' }, form);
  container.append(dialog);

  let card: Card | null = null;
  let lists: List[] = [];
  let siblings: Card[] = [];
  let dirty = false;
  title.addEventListener('input', () => (dirty = true));
  title.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit(save);
    }
  });

  const sortedLists = () => [...lists].sort(byOrder);
  const listStep = (step: -1 | 1) => {
    if (!card) return;
    const ls = sortedLists();
    const target = ls[ls.findIndex((l) => l.id === card!.listId) + step];
    if (target) actions.move(card.id, target.id, Number.MAX_SAFE_INTEGER);
  };
  const posStep = (step: -1 | 1) => {
    if (!card) return;
    const i = siblings.findIndex((c) => c.id === card!.id);
    if (i + step >= 0 && i + step < siblings.length) actions.move(card.id, card.listId, i + step);
  };
  prev.addEventListener('click', () => listStep(-1));
  next.addEventListener('click', () => listStep(1));
  up.addEventListener('click', () => posStep(-1));
  down.addEventListener('click', () => posStep(1));
  del.addEventListener('click', () => {
    if (card) actions.remove(card.id);
    dialog.close();
  });
  close.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', () => {
    const text = title.value.trim();
    if (card && text && text !== card.title) actions.rename(card.id, text);
  });
  dialog.addEventListener('close', () => (card = null));

  const show = () => {
    if (!card) return;
    if (!dirty) title.value = card.title;
    const ls = sortedLists();
    const li = ls.findIndex((l) => l.id === card!.listId);
    const pos = siblings.findIndex((c) => c.id === card!.id);
    where.textContent = `In “${ls[li]?.title ?? '…'}”, position ${pos + 1} of ${siblings.length}`;
    prev.disabled = li <= 0;
    next.disabled = li < 0 || li >= ls.length - 1;
    up.disabled = pos <= 0;
    down.disabled = pos < 0 || pos >= siblings.length - 1;
  };

  return {
    open(id: string, allLists: List[], allCards: Card[]) {
      card = allCards.find((c) => c.id === id) ?? null;
      if (!card) return;
      dirty = false;
      if (!dialog.open) dialog.showModal();
      this.update(allLists, allCards);
      title.focus();
    },
    /** Keeps an open sheet in step with live data; closes it when the card is deleted (here or elsewhere). */
    update(allLists: List[], allCards: Card[]) {
      lists = allLists;
      if (!card) return;
      const fresh = allCards.find((c) => c.id === card!.id);
      if (!fresh) return dialog.close();
      card = fresh;
      siblings = allCards.filter((c) => c.listId === fresh.listId).sort(byOrder);
      show();
    },
  };
}
