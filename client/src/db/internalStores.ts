import type { Dexie } from 'dexie';

export const OUTBOX = '_outbox';
export const STATE = '_state';
/** Compact states of pulled records, one row per applied page: see db/pageStates.ts. */
export const PAGES = '_pages';
export const META = '_meta';
export const REJECTED = '_rejected';
/** Yjs updates per (space, doc): see docs/documents.md. */
export const DOCS = '_docs';
/** Outcome of each write made through `sync.write()`: see docs/client.md "Following a write". */
export const OUTCOMES = '_outcomes';
export const INTERNAL_TABLES = [OUTBOX, STATE, PAGES, META, REJECTED] as const;

/** Dexie store specs of the internal tables. */
export const synclineStores = {
  [OUTBOX]: '++seq, &opId, status, [table+id]',
  [STATE]: '[table+id], space',
  [PAGES]: '++id, space',
  [META]: 'key',
  [REJECTED]: '++seq, &opId',
  [DOCS]: '++id, [space+doc]',
  [OUTCOMES]: '&opId, writeId, at',
} as const;

/**
 * Adds the internal tables to the LOWEST version the app declares; Dexie
 * carries them forward into every later version. Declaring them on the
 * highest version instead loses their rows on the app's next schema bump:
 * Dexie then sees them as new in that version (absent from the one below)
 * and creates them afresh, emptying the outbox, cursors and client id (see
 * test/embed/schemaUpgrade.test.ts). A database installed before Syncline
 * was added gets the missing tables through Dexie 4's schema-diff upgrade.
 */
export function addInternalStores(db: Dexie): void {
  if (!db.verno) {
    throw new TypeError('createSyncline: declare db.version(n).stores({...}) before calling createSyncline(db)');
  }
  if (db.isOpen()) throw new TypeError('createSyncline: call it before the database is opened');
  db.version(lowestVersion(db)).stores({ ...synclineStores });
}

/** `_versions` is Dexie's list of declared versions (not in its typings; stable since Dexie 2). */
function lowestVersion(db: Dexie): number {
  const declared = (db as unknown as { _versions?: { _cfg?: { version?: number } }[] })._versions ?? [];
  const numbers = declared.map((v) => v._cfg?.version).filter((n): n is number => typeof n === 'number');
  return numbers.length ? Math.min(...numbers) : db.verno;
}
