/**
 * SLOT FOR THE SHARED NOTE (Yjs) — to be filled by the Yjs documents work.
 *
 * Contract the board relies on:
 *   mountNote(container, sync, boardId) renders the board's shared rich-text
 *   note into `container` (a <section data-testid="note">) and returns a
 *   function that unmounts it. The note is the Yjs document
 *   (space = boardId, docId = 'note'); presence (who is here, cursors) comes
 *   from its Awareness. Keep the editable element marked
 *   `data-testid="note-editor"` so the e2e tests can type into it.
 *
 * Until then it shows a placeholder and syncs nothing.
 */
import type { Syncline } from '@syncline/client';
import { h } from '../ui/dom.js';

export function mountNote(container: HTMLElement, _sync: Syncline, boardId: string): () => void {
  const placeholder = h(
    'p',
    { class: 'note-placeholder', 'data-testid': 'note-placeholder' },
    `The shared note of board “${boardId}” (a Yjs document with live presence) will appear here.`,
  );
  container.append(h('h2', {}, 'Shared note'), placeholder);
  return () => container.replaceChildren();
}
