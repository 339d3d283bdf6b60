import type { Dexie } from 'dexie';

export const OUTBOX = '_outbox';
export const STATE = '_state';
export const META = '_meta';
export const REJECTED = '_rejected';
/** Yjs updates per (space, doc): see docs/documents.md. */
export const DOCS = '_docs';
export const INTERNAL_TABLES = [OUTBOX, STATE, META, REJECTED] as const;

/** Dexie store specs of the internal tables. */
export const synclineStores = {
  [OUTBOX]: '++seq, &opId, status, [table+id]',
  [STATE]: '[table+id], space',
  [META]: 'key',
  [REJECTED]: '++seq, &opId',
  [DOCS]: '++id, [space+doc]',
} as const;

/**
 * Adds the internal tables to the highest version the app declared. Dexie
 * carries tables forward into later versions, so one declaration is enough.
 */
export function addInternalStores(db: Dexie): void {
  const verno = db.verno;
  if (!verno) {
    throw new TypeError('createSyncline: declare db.version(n).stores({...}) before calling createSyncline(db)');
  }
  if (db.isOpen()) throw new TypeError('createSyncline: call it before the database is opened');
  db.version(verno).stores({ ...synclineStores });
}
