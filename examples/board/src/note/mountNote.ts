/**
 * The board's shared note: the Yjs document (space = boardId, docId =
 * 'note') from `sync.doc`, its Y.Text 'body' bound to a textarea, and live
 * presence from its Awareness. Works offline (the doc is in IndexedDB) and
 * converges with everyone else's edits when back online.
 *
 * A plain textarea with a small diff binding, not TipTap/ProseMirror: no
 * extra dependencies in the PWA's precache, and the e2e tests type into a
 * real form control. Any Yjs editor binding can take the same handle.
 */
import type { Syncline } from '@syncline/client';
import { h } from '../ui/dom.js';
import { bindTextarea } from './bindTextarea.js';
import { mountPresence } from './presence.js';
import './note.css';

export function mountNote(container: HTMLElement, sync: Syncline, boardId: string): () => void {
  const handle = sync.doc(boardId, 'note');
  const presence = h('div', { class: 'presence', 'data-testid': 'presence' });
  const area = h('textarea', {
    class: 'note-editor',
    'data-testid': 'note-editor',
    rows: 6,
    placeholder: 'Loading the shared note…',
    disabled: true,
    'aria-label': 'Shared note',
  });
  container.append(h('h2', {}, 'Shared note'), presence, area);
  let unbind = () => {};
  const unpresence = mountPresence(presence, handle.awareness, area);
  void handle.whenLoaded.then(() => {
    unbind = bindTextarea(handle.doc.getText('body'), area);
    area.disabled = false;
    area.placeholder = 'Write together…';
    area.dataset.loaded = 'true';
  });
  return () => {
    unbind();
    unpresence();
    void handle.destroy();
    container.replaceChildren();
  };
}
