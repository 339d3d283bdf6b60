/**
 * Page rows (`_pages`): the compact state of pulled records, one row per
 * applied page instead of one `_state` row per record, so a fresh pull
 * costs one IndexedDB write per record (the app row) plus one per page.
 * An entry holds what a compact `_state` row holds (db/stateRows.ts): the
 * record's key, its one stamp and the primary-key flag; the values are the
 * app row's.
 *
 * Invariants (writers keep them, readers rely on the first):
 * - a `_state` row, when present, wins over a page entry;
 * - a record has an entry in at most one page row: whoever moves it (a later
 *   page, a local write, an ack) removes the old entry, and page rows left
 *   empty are deleted.
 *
 * Reads go through the DBCore (`readStoredStates`) so the outbox middleware
 * and the engine share one path; the Dexie-level `loadStoredStates` wraps it
 * in the caller's transaction (or a read transaction of its own).
 */
import { Dexie, type DBCore, type DBCoreKeyRange, type DBCoreTable, type DBCoreTransaction, type Table } from 'dexie';
import { PAGES, STATE } from './internalStores.js';
import type { StateRow } from './rows.js';
import { expandStates, type CompactStateRow, type StoredStateRow } from './stateRows.js';

export interface PageRow {
  id?: number;
  space: string;
  /** pageKey(table, id) of each entry (multi-entry index). */
  keys: string[];
  /** Each entry's stamp (of every field). */
  t: string[];
  /** Each entry's primary-key flag (CompactStateRow.k). */
  k: (0 | 1)[];
}

const SEP = '\u0000';
/** Key of a record in a page row's `keys` (table names hold no NUL). */
export const pageKey = (table: string, id: string) => table + SEP + id;

/** A page row's entries as compact `_state` rows. */
export function pageEntries(page: PageRow): CompactStateRow[] {
  return page.keys.map((key, n) => {
    const at = key.indexOf(SEP);
    return entryAt(page, n, key.slice(0, at), key.slice(at + 1));
  });
}

/** Entry `n` of a page row, for the record (table, id) it holds, as a compact `_state` row. */
function entryAt(page: PageRow, n: number, table: string, id: string): CompactStateRow {
  const row: CompactStateRow = { table, id, space: page.space, t: page.t[n]! };
  if (page.k[n] === 1) row.k = 1;
  return row;
}

/** Where a record's stored state was found. */
export interface Found {
  /** Its stored form (a page entry as a compact row). */
  stored: StoredStateRow;
  /** The page row holding it; absent: a `_state` row. */
  page?: PageRow;
}

/** Up to this many keys the reads skip the counts and go straight to the per-key reads. */
const FEW = 16;
const ANY: DBCoreKeyRange = { type: 3, lower: undefined, upper: undefined };
const equal = (key: unknown): DBCoreKeyRange => ({ type: 1, lower: key, upper: key });

/**
 * The stored state of each record: its `_state` row, else its page entry.
 * For many keys, cheap counts come first: an empty `_state` or `_pages` is
 * not read at all (a fresh pull), and a `_state` holding fewer rows than
 * asked is read whole in one request instead of one get per key.
 */
export async function readStoredStates(
  core: DBCore,
  trans: DBCoreTransaction,
  keys: readonly [string, string][],
  /** The engine's record of the keys it put in pages (`pageKeysOf`): keys it never put there are not looked up. */
  tracked?: PageKeys,
): Promise<(Found | undefined)[]> {
  const state = core.table(STATE);
  const pages = core.table(PAGES);
  const out: (Found | undefined)[] = new Array(keys.length).fill(undefined);
  if (keys.length === 0) return out;
  const lastPage = tracked ? lastPageId(pages, trans) : undefined;
  let inState: (StoredStateRow | undefined)[];
  let pageIds: (number | undefined)[] | undefined;
  if (keys.length <= FEW) {
    // Issued together: the `_state` rows and, for every key, the page holding it.
    [inState, pageIds] = await Promise.all([state.getMany({ trans, keys: keys as [string, string][] }), lookUpPages(pages, trans, keys)]);
    if (tracked) tracked.begin(await lastPage);
  } else {
    const [nState, last] = await Promise.all([state.count({ trans, query: { index: state.schema.primaryKey, range: ANY } }), lastPage ?? lastPageId(pages, trans)]);
    const sure = tracked?.begin(last) === true;
    inState = nState === 0 ? [] : nState <= keys.length ? matchAll(await state.query({ trans, values: true, query: { index: state.schema.primaryKey, range: ANY } }), keys) : await state.getMany({ trans, keys: keys as [string, string][] });
    if (last !== undefined) pageIds = await lookUpPages(pages, trans, keys.map((k, i) => (inState[i] || (sure && !tracked.mayHold(k)) ? undefined : k)));
  }
  keys.forEach((_k, i) => {
    const row = inState[i];
    if (row) out[i] = { stored: row };
  });
  if (!pageIds) return out;
  const ids = [...new Set(pageIds.filter((id, i): id is number => id !== undefined && !out[i]))];
  if (ids.length === 0) return out;
  const rows = (await pages.getMany({ trans, keys: ids })) as (PageRow | undefined)[];
  const byId = new Map<number, { row: PageRow; at: Map<string, number> }>();
  ids.forEach((id, j) => {
    const row = rows[j];
    if (row) byId.set(id, { row, at: new Map(row.keys.map((k, n) => [k, n])) });
  });
  keys.forEach(([table, id], i) => {
    const pid = pageIds![i];
    if (out[i] || pid === undefined) return;
    const p = byId.get(pid);
    const n = p?.at.get(pageKey(table, id));
    if (!p || n === undefined) return;
    out[i] = { stored: entryAt(p.row, n, table, id), page: p.row };
  });
  return out;
}

/** The page id holding each key (undefined keys are skipped): one index read per key, issued together. */
function lookUpPages(pages: DBCoreTable, trans: DBCoreTransaction, keys: readonly ([string, string] | undefined)[]): Promise<(number | undefined)[]> {
  const index = pages.schema.getIndexByKeyPath('keys')!;
  return Promise.all(
    keys.map((k) =>
      k === undefined
        ? undefined
        : pages.query({ trans, values: false, limit: 1, query: { index, range: equal(pageKey(k[0], k[1])) } }).then((r) => r.result[0] as number | undefined),
    ),
  );
}

/** The highest page id (undefined: no page rows). */
async function lastPageId(pages: DBCoreTable, trans: DBCoreTransaction): Promise<number | undefined> {
  const res = await pages.query({ trans, values: false, limit: 1, direction: 'prev', query: { index: pages.schema.primaryKey, range: ANY } });
  return res.result[0] as number | undefined;
}

/**
 * The keys this engine put into page rows since `_pages` was last seen
 * empty, so a pull need not look up (one index read per record) keys that
 * cannot be in any page. It stands only while the highest page id is the
 * last one this engine added: page ids only grow, so a page added by anyone
 * else (another tab's engine) shows as a higher id and the record is
 * dropped; entries removed by others (local writes, acks) leave it a
 * superset, which is enough. It is claimed again only when `_pages` is empty.
 */
export class PageKeys {
  private keys: Set<string> | undefined;
  private lastId: number | undefined;
  /** Whether the current transaction found the record standing. */
  private current = false;

  /** Checks the record against the highest page id read in the current transaction. */
  begin(lastId: number | undefined): boolean {
    if (lastId === undefined) this.keys = new Set();
    else if (lastId !== this.lastId) this.keys = undefined;
    this.lastId = lastId;
    this.current = this.keys !== undefined;
    return this.current;
  }

  mayHold(key: readonly [string, string]): boolean {
    return this.keys?.has(pageKey(key[0], key[1])) ?? true;
  }

  /** Pages added in the current transaction, the highest id last. */
  added(pages: readonly PageRow[], lastId: number): void {
    if (!this.current || !this.keys) return;
    for (const p of pages) for (const k of p.keys) this.keys.add(k);
    this.lastId = lastId;
    if (this.keys.size > MAX_TRACKED) this.keys = undefined;
  }
}

/** Past this many keys (memory), pulls go back to one lookup per key. */
const MAX_TRACKED = 500_000;
const tracking = new WeakMap<Dexie, PageKeys>();

/** The engine's PageKeys of this database. */
export function pageKeysOf(db: Dexie): PageKeys {
  let t = tracking.get(db);
  if (!t) tracking.set(db, (t = new PageKeys()));
  return t;
}

function matchAll(res: { result: unknown[] }, keys: readonly [string, string][]): (StoredStateRow | undefined)[] {
  const byKey = new Map<string, StoredStateRow>();
  for (const r of res.result as StoredStateRow[]) byKey.set(pageKey(r.table, r.id), r);
  return keys.map(([t, id]) => byKey.get(pageKey(t, id)));
}

/** The records' states, expanded (compact ones from their app rows), with where each was found. */
export interface Loaded {
  /** Undefined when a compact state's app row is gone. */
  row: StateRow | undefined;
  page?: PageRow;
}

export async function readStates(core: DBCore, trans: DBCoreTransaction, keys: readonly [string, string][], tracked?: PageKeys): Promise<(Loaded | undefined)[]> {
  const found = await readStoredStates(core, trans, keys, tracked);
  const rows = await expandStates(
    found.map((f) => f?.stored),
    (table, ids) => core.table(table).getMany({ trans, keys: ids }),
    (table) => core.table(table).schema.primaryKey.keyPath as string,
  );
  return found.map((f, i) => (f ? { row: rows[i], ...(f.page ? { page: f.page } : {}) } : undefined));
}

/**
 * The same at Dexie level: inside the caller's transaction (which must
 * include `_state`, `_pages` and the records' tables), else in a read
 * transaction of its own. The result is a Dexie promise, so awaiting it
 * keeps the transaction's zone.
 */
export function loadStoredStates(db: Dexie, keys: readonly [string, string][], tracked?: PageKeys): Promise<(Loaded | undefined)[]> {
  const current = Dexie.currentTransaction as unknown as { idbtrans?: DBCoreTransaction } | null;
  if (current?.idbtrans) return Dexie.Promise.resolve(readStates(db.core, current.idbtrans, keys, tracked));
  const tables = [...new Set(keys.map((k) => k[0]))];
  return db.transaction('r', [STATE, PAGES, ...tables], () => loadStoredStates(db, keys));
}

/**
 * Entries to take out of their page rows (the record moved: to a later
 * page, or to `_state`). `writes()` gives the page rows to put back and the
 * ids of those left empty.
 */
export class PageEdits {
  private readonly drops = new Map<PageRow, Set<string>>();

  drop(page: PageRow | undefined, table: string, id: string): void {
    if (!page) return;
    let keys = this.drops.get(page);
    if (!keys) this.drops.set(page, (keys = new Set()));
    keys.add(pageKey(table, id));
  }

  writes(): { put: PageRow[]; del: number[] } {
    const put: PageRow[] = [];
    const del: number[] = [];
    for (const [page, gone] of this.drops) {
      const keep: number[] = [];
      page.keys.forEach((k, n) => gone.has(k) || keep.push(n));
      if (keep.length === 0) {
        del.push(page.id!);
        continue;
      }
      put.push({ ...page, keys: keep.map((n) => page.keys[n]!), t: keep.map((n) => page.t[n]!), k: keep.map((n) => page.k[n]!) });
    }
    return { put, del };
  }

  /** Issues `writes()` on the `_pages` table (Dexie level, in the caller's transaction). */
  store(pages: Table<PageRow, number>): Promise<unknown> {
    const { put, del } = this.writes();
    return Promise.all([put.length ? pages.bulkPut(put) : undefined, del.length ? pages.bulkDelete(del) : undefined]);
  }
}

/** Builds the new page rows (one per space) of compact states. */
export class PageBuilder {
  private readonly bySpace = new Map<string, PageRow>();

  add(row: CompactStateRow): void {
    let page = this.bySpace.get(row.space);
    if (!page) this.bySpace.set(row.space, (page = { space: row.space, keys: [], t: [], k: [] }));
    page.keys.push(pageKey(row.table, row.id));
    page.t.push(row.t);
    page.k.push(row.k ?? 0);
  }

  rows(): PageRow[] {
    return [...this.bySpace.values()];
  }
}
