import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

/** An open collaborative document: `sync.doc(space, docId)`. */
export interface SynclineDoc {
  readonly space: string;
  readonly docId: string;
  /** Bind any Yjs editor binding to it (y-prosemirror, y-codemirror.next, TipTap, ...). */
  readonly doc: Y.Doc;
  /** Presence; ephemeral, relayed through the server only while online. */
  readonly awareness: Awareness;
  /** Resolves once everything stored locally (IndexedDB) has been applied to `doc`. */
  readonly whenLoaded: Promise<void>;
  /** Stores pending edits, withdraws our presence, and releases the document. */
  destroy(): Promise<void>;
}

/** Transaction origin of updates that came from storage or other clients: they are not recorded again. */
export const REMOTE_ORIGIN = Symbol('syncline-remote');
