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

/** Bytes as they arrive from IndexedDB, Socket.IO (Buffer, ArrayBuffer) or a structured clone. */
export function toBytes(x: unknown): Uint8Array {
  if (x instanceof Uint8Array) return x.constructor === Uint8Array ? x : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  throw new TypeError('Syncline: a document update is not binary data');
}

/** Rows of one document stored after `afterId`, in storage order. */
export function readDocRows(db: Dexie, space: string, doc: string, afterId: number): Promise<DocUpdateRow[]> {
  return docsTable(db)
    .where('id')
    .above(afterId)
    .filter((r) => r.space === space && r.doc === doc)
    .toArray();
}
