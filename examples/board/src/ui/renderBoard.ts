/**
 * Renders the lists and cards, keyed by id: existing elements are updated
 * in place and only moved when their position changed, so a live update
 * from another person never steals focus from the add-card field you are
 * typing in.
 */
import type { Card, List } from '../model/types.js';
import { byOrder } from '../model/order.js';
import { h, setText } from './dom.js';
import { enableCardDrag } from './dragCards.js';

export interface BoardHandlers {
  addCard(listId: string, title: string): void;
  openCard(cardId: string): void;
  dropCard(cardId: string, listId: string, index: number): void;
}

interface ListView {
  root: HTMLElement;
  title: HTMLElement;
  count: HTMLElement;
  cards: HTMLOListElement;
}

export function createBoardView(container: HTMLElement, handlers: BoardHandlers) {
  const root = h('main', { class: 'board', 'data-testid': 'board' });
  container.append(root);
  const lists = new Map<string, ListView>();
  const cards = new Map<string, HTMLLIElement>();

  const listView = (list: List): ListView => {
    const existing = lists.get(list.id);
    if (existing) return existing;
    const title = h('h2');
    const count = h('span', { class: 'count' });
    const ol = h('ol', { class: 'cards', 'data-testid': 'cards' });
    const input = h('input', {
      name: 'title',
      placeholder: 'Add a card…',
      autocomplete: 'off',
      maxlength: 500,
      'data-testid': 'add-card-input',
      'aria-label': `Add a card to ${list.title}`,
    });
    const form = h('form', { class: 'add-card' }, input, h('button', { type: 'submit', 'data-testid': 'add-card-button' }, 'Add'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      handlers.addCard(list.id, text);
      input.value = '';
    });
    const section = h(
      'section',
      { class: 'list', 'data-list-id': list.id, 'data-testid': 'list' },
      h('header', {}, title, count),
      ol,
      form,
    );
    enableCardDrag(ol, list.id, handlers.dropCard);
    const view = { root: section, title, count, cards: ol };
    lists.set(list.id, view);
    return view;
  };

  const cardView = (card: Card): HTMLLIElement => {
    let li = cards.get(card.id);
    if (!li) {
      const body = h('button', { type: 'button', class: 'card-body' });
      li = h('li', { class: 'card', draggable: 'true', 'data-card-id': card.id, 'data-testid': 'card' }, body);
      body.addEventListener('click', () => handlers.openCard(card.id));
      cards.set(card.id, li);
    }
    setText(li.firstElementChild!, card.title);
    return li;
  };

  return {
    update(allLists: List[], allCards: Card[]): void {
      const sortedLists = [...allLists].sort(byOrder);
      placeInOrder(
        root,
        sortedLists.map((l) => listView(l).root),
      );
      for (const l of sortedLists) {
        const view = listView(l);
        setText(view.title, l.title);
        const own = allCards.filter((c) => c.listId === l.id).sort(byOrder);
        setText(view.count, String(own.length));
        placeInOrder(view.cards, own.map(cardView));
      }
      // Cards whose list is unknown (not synced yet) wait off-screen instead of vanishing.
      const known = new Set(sortedLists.map((l) => l.id));
      const alive = new Set(allCards.filter((c) => known.has(c.listId)).map((c) => c.id));
      for (const [id, li] of cards)
        if (!alive.has(id)) {
          li.remove();
          cards.delete(id);
        }
      for (const [id, view] of lists)
        if (!known.has(id)) {
          view.root.remove();
          lists.delete(id);
        }
    },
  };
}

/** Makes `parent`'s children exactly `wanted`, in order, moving only what is out of place. */
function placeInOrder(parent: HTMLElement, wanted: HTMLElement[]): void {
  wanted.forEach((el, i) => {
    const at = parent.children[i];
    if (at !== el) parent.insertBefore(el, at ?? null);
  });
  while (parent.children.length > wanted.length) parent.lastElementChild!.remove();
}
