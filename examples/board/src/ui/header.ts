/** Top bar: the board's name and a way to start a new board (a new space) to share. */
import { h } from './dom.js';

export function mountHeader(container: HTMLElement, boardId: string): void {
  const fresh = `?board=${Math.random().toString(36).slice(2, 10)}`;
  container.append(
    h(
      'header',
      { class: 'topbar' },
      h('h1', {}, h('span', { class: 'brand' }, 'Syncline'), ' ', h('span', { 'data-testid': 'board-id' }, boardId)),
      h('a', { href: fresh, class: 'new-board', title: 'Start an empty board; share its address to collaborate' }, 'New board'),
    ),
  );
}
