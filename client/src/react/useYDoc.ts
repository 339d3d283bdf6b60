import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Syncline } from '../createSyncline.js';
import type { SynclineDoc } from '../docs/SynclineDoc.js';

export type DocSource = Pick<Syncline, 'doc'>;

export interface YDocState {
  /** The open document; null until the effect opened it (first render, server rendering). */
  doc: Y.Doc | null;
  awareness: Awareness | null;
  /** Everything stored locally has been applied to `doc`. */
  loaded: boolean;
  handle: SynclineDoc | null;
}

const EMPTY: YDocState = { doc: null, awareness: null, loaded: false, handle: null };

/**
 * Opens the Yjs document (space, docId) for as long as the component is
 * mounted (and re-opens it when the ids change); pending edits are stored and
 * presence withdrawn on unmount. Bind `doc` to any Yjs editor binding.
 */
export function useYDoc(sync: DocSource, space: string, docId: string): YDocState {
  const [state, setState] = useState<YDocState>(EMPTY);
  useEffect(() => {
    const handle = sync.doc(space, docId);
    let live = true;
    setState({ doc: handle.doc, awareness: handle.awareness, loaded: false, handle });
    handle.whenLoaded.then(
      () => live && setState({ doc: handle.doc, awareness: handle.awareness, loaded: true, handle }),
      () => undefined,
    );
    return () => {
      live = false;
      setState(EMPTY);
      void handle.destroy();
    };
  }, [sync, space, docId]);
  return state;
}
