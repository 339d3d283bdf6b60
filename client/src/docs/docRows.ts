/** Rows of `_docs`: the Yjs updates of a document as this client holds them. */
import type { Dexie } from 'dexie';
import { DOCS } from '../db/internalStores.js';

export interface DocUpdateRow {
  /** Auto-increment: the order updates were stored in, across tabs and the Worker. */
  id?: number;
  space: string;
  doc: string;
  update: Uint8Array;
  /** `local`: made here (also in the outbox until acked); `server`: pulled; `merged`: a local compaction. */
  origin: 'local' | 'server' | 'merged';
}

export function docsTable(db: Dexie) {
  return db.table<DocUpdateRow, number>(DOCS);
}

/**
 * Bytes as they arrive from IndexedDB, Socket.IO (Buffer, ArrayBuffer) or a
 * structured clone, as a plain Uint8Array that owns its whole buffer. A view
 * into a larger buffer (Node's Buffer pool, one WebSocket frame holding many
 * updates) is copied: structured cloning — an IndexedDB put, a postMessage —
 * copies a view's entire underlying buffer, so storing or posting such a view
 * would copy (and store) the whole frame once per update.
 */
export function toBytes(x: unknown): Uint8Array {
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (!ArrayBuffer.isView(x)) throw new TypeError('Syncline: a document update is not binary data');
  if (x.byteOffset !== 0 || x.byteLength !== x.buffer.byteLength)
    return new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
  return x instanceof Uint8Array && x.constructor === Uint8Array ? x : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

/** Rows of one document stored after `afterId`, in storage order. */
export function readDocRows(db: Dexie, space: string, doc: string, afterId: number): Promise<DocUpdateRow[]> {
  return docsTable(db)
    .where('id')
    .above(afterId)
    .filter((r) => r.space === space && r.doc === doc)
    .toArray();
}
