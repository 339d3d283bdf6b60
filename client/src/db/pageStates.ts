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
 * in the caller's transaction (or a read transaction of its own). Which page
 * holds a record comes from a PageIndex kept in memory per connection (no
 * IndexedDB index on the keys: on a fresh pull it cost one index entry per
 * record).
 */
import { Dexie, type DBCore, type DBCoreKeyRange, type DBCoreTable, type DBCoreTransaction, type Table } from 'dexie';
import { PAGES, STATE } from './internalStores.js';
import type { StateRow } from './rows.js';
import { expandStates, type CompactStateRow, type StoredStateRow } from './stateRows.js';

export interface PageRow {
  id?: number;
  space: string;
  /** pageKey(table, id) of each entry (no IndexedDB index: see PageIndex). */
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

/**
 * Which page row may hold each record, in memory, one per IndexedDB
 * connection (shared by every reader of it: the engine and the outbox
 * middleware): pageKey -> the highest page id that ever held the key.
 *
 * That page is the only candidate: a record has an entry in at most one
 * page row, an entry only leaves a page (a rewrite keeps fewer keys, an
 * emptied page is deleted) and a record taken over by a later page is in a
 * row with a higher id (ids only grow). The index may point at a page that
 * no longer holds the key, or no longer exists: the reader reads the
 * candidate row and checks membership.
 *
 * It is built by the first read that needs it (all of `_pages`), and each
 * read transaction folds in the rows added since (ids above `seen`: by
 * another connection, another tab). Page rows this connection adds
 * (`addPages`) are visible to their own transaction at once and enter the
 * shared index only once it commits: an aborted transaction leaves nothing
 * (IndexedDB then also takes back the ids it used).
 */
class PageIndex {
  private readonly at = new Map<string, number>();
  /** Every page row with an id up to this one is folded in. */
  private seen = 0;
  /**
   * Transactions adding page rows, until they commit: what they learnt
   * (their own rows and any they caught up with, which may include
   * their own) stays theirs, so an abort leaves the shared index as it was.
   */
  private readonly pending = new WeakMap<object, { at: Map<string, number>; max: number }>();
  private readonly caughtUp = new WeakSet<object>();

  /** Folds in the page rows added since last seen, read in `trans`. */
  catchUp(pages: DBCoreTable, trans: DBCoreTransaction): PromiseLike<void> {
    const range: DBCoreKeyRange = { type: 2, lower: this.seen, lowerOpen: true, upper: undefined };
    return Dexie.Promise.resolve(pages.query({ trans, values: true, query: { index: pages.schema.primaryKey, range } })).then((res) => {
      const rows = res.result as PageRow[];
      const last = rows.length ? rows[rows.length - 1]!.id! : 0;
      const mine = this.pending.get(trans);
      for (const row of rows) fold(mine?.at ?? this.at, row.id!, row.keys);
      if (mine) mine.max = Math.max(mine.max, last);
      else this.seen = Math.max(this.seen, last);
      this.caughtUp.add(trans);
    });
  }

  /** The candidate page id of a key (including what `trans` learnt). */
  get(trans: DBCoreTransaction, key: string): number | undefined {
    const shared = this.at.get(key);
    const own = this.pending.get(trans)?.at.get(key);
    return own === undefined ? shared : shared === undefined ? own : Math.max(own, shared);
  }

  /** `trans` is about to add page rows (called before the add is issued). */
  adding(trans: DBCoreTransaction): void {
    if (this.pending.has(trans)) return;
    const mine = { at: new Map<string, number>(), max: 0 };
    this.pending.set(trans, mine);
    (trans as unknown as Partial<EventTarget>).addEventListener?.('complete', () => {
      for (const [k, id] of mine.at) fold1(this.at, k, id);
      // Caught up in this transaction: no other rows lie below its highest (it held the write lock).
      if (this.caughtUp.has(trans)) this.seen = Math.max(this.seen, mine.max);
      this.pending.delete(trans);
    });
  }

  /** Page rows `trans` added, with their ids. */
  added(trans: DBCoreTransaction, rows: readonly PageRow[], ids: readonly number[]): void {
    const mine = this.pending.get(trans)!;
    rows.forEach((row, n) => {
      fold(mine.at, ids[n]!, row.keys);
      mine.max = Math.max(mine.max, ids[n]!);
    });
  }
}

function fold(at: Map<string, number>, id: number, keys: readonly string[]): void {
  for (const k of keys) fold1(at, k, id);
}

function fold1(at: Map<string, number>, key: string, id: number): void {
  const cur = at.get(key);
  if (cur === undefined || cur < id) at.set(key, id);
}

const indexes = new WeakMap<object, PageIndex>();

/** The PageIndex of the connection `trans` belongs to. */
function pageIndexOf(trans: DBCoreTransaction): PageIndex {
  // A DBCore transaction is the IDBTransaction; its `db` is the connection.
  const conn = (trans as unknown as { db?: object }).db ?? trans;
  let index = indexes.get(conn);
  if (!index) indexes.set(conn, (index = new PageIndex()));
  return index;
}

/**
 * Adds page rows in the current Dexie transaction (which must include
 * `_pages`), telling the connection's PageIndex: the rows count for reads
 * of this transaction at once, and for everyone once it commits.
 */
export function addPages(pages: Table<PageRow, number>, rows: readonly PageRow[]): Promise<number[]> {
  const trans = (Dexie.currentTransaction as unknown as { idbtrans?: DBCoreTransaction } | null)?.idbtrans;
  if (!trans) throw new TypeError('addPages: call it inside a transaction including _pages');
  const index = pageIndexOf(trans);
  index.adding(trans);
  return pages.bulkAdd(rows as PageRow[], { allKeys: true }).then((ids) => {
    index.added(trans, rows, ids);
    return ids;
  });
}

/** Up to this many keys the reads skip the `_state` count and go straight to one getMany. */
const FEW = 16;
const ANY: DBCoreKeyRange = { type: 3, lower: undefined, upper: undefined };
type States = (StoredStateRow | undefined)[];

/**
 * The stored state of each record: its `_state` row, else its page entry.
 * For many keys a cheap count comes first: an empty `_state` is not read
 * at all (a fresh pull), and one holding fewer rows than asked is read
 * whole in one request instead of one get per key.
 *
 * Written as Dexie promise chains, not async functions: every request is
 * issued in the caller's Dexie zone (a request issued after a native await
 * can find the zone gone: "reading 'mode'" in Dexie's cache middleware).
 */
export function readStoredStates(
  core: DBCore,
  trans: DBCoreTransaction,
  keys: readonly [string, string][],
): Promise<(Found | undefined)[]> {
  const state = core.table(STATE);
  const pages = core.table(PAGES);
  const out: (Found | undefined)[] = new Array(keys.length).fill(undefined);
  if (keys.length === 0) return Dexie.Promise.resolve(out);
  const index = pageIndexOf(trans);
  const all = keys as [string, string][];
  // `_state` holding n rows: none to read, all of it in one request, or one get per key.
  const readState = (n: number): PromiseLike<States> =>
    n === 0
      ? Dexie.Promise.resolve([])
      : n <= keys.length
        ? Dexie.Promise.resolve(state.query({ trans, values: true, query: { index: state.schema.primaryKey, range: ANY } })).then((r) =>
            matchAll(r, keys),
          )
        : Dexie.Promise.resolve(state.getMany({ trans, keys: all }) as Promise<States>);
  // Few keys: their `_state` rows at once; many: the count first.
  const first: PromiseLike<States | number> =
    keys.length <= FEW
      ? Dexie.Promise.resolve(state.getMany({ trans, keys: all }) as Promise<States>)
      : Dexie.Promise.resolve(state.count({ trans, query: { index: state.schema.primaryKey, range: ANY } }));
  return Dexie.Promise.all([first, index.catchUp(pages, trans)]).then(([got]: [States | number, void]) => {
    // The candidate page of every key, read together with the `_state` rows (when not read yet).
    const pageIds = keys.map(([table, id]) => index.get(trans, pageKey(table, id)));
    const ids = [...new Set(pageIds.filter((id): id is number => id !== undefined))];
    return Dexie.Promise.all([
      typeof got === 'number' ? readState(got) : got,
      ids.length ? (pages.getMany({ trans, keys: ids }) as Promise<(PageRow | undefined)[]>) : [],
    ]).then(([inState, rows]: [States, (PageRow | undefined)[]]) => {
      keys.forEach((_k, i) => {
        const row = inState[i];
        if (row) out[i] = { stored: row };
      });
      if (ids.length === 0) return out;
      const byId = new Map<number, { row: PageRow; at: Map<string, number> | undefined }>();
      ids.forEach((id, j) => {
        const row = rows[j];
        if (row) byId.set(id, { row, at: undefined });
      });
      keys.forEach(([table, id], i) => {
        const pid = pageIds[i];
        if (out[i] || pid === undefined) return;
        const p = byId.get(pid);
        if (!p) return;
        p.at ??= new Map(p.row.keys.map((k, n) => [k, n]));
        const n = p.at.get(pageKey(table, id));
        if (n !== undefined) out[i] = { stored: entryAt(p.row, n, table, id), page: p.row };
      });
      return out;
    });
  });
}

function matchAll(res: { result: unknown[] }, keys: readonly [string, string][]): States {
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

/** The records' states (a Dexie promise chain like readStoredStates: the app rows are read in the caller's zone). */
export function readStates(core: DBCore, trans: DBCoreTransaction, keys: readonly [string, string][]): Promise<(Loaded | undefined)[]> {
  return readStoredStates(core, trans, keys).then((found) =>
    Dexie.Promise.resolve(
      expandStates(
        found.map((f) => f?.stored),
        (table, ids) => core.table(table).getMany({ trans, keys: ids }),
        (table) => core.table(table).schema.primaryKey.keyPath as string,
      ),
    ).then((rows) => found.map((f, i) => (f ? { row: rows[i], ...(f.page ? { page: f.page } : {}) } : undefined))),
  );
}

/**
 * The same at Dexie level: inside the caller's transaction (which must
 * include `_state`, `_pages` and the records' tables), else in a read
 * transaction of its own. The result is a Dexie promise, so awaiting it
 * keeps the transaction's zone.
 */
export function loadStoredStates(db: Dexie, keys: readonly [string, string][]): Promise<(Loaded | undefined)[]> {
  const current = Dexie.currentTransaction as unknown as { idbtrans?: DBCoreTransaction } | null;
  if (current?.idbtrans) return readStates(db.core, current.idbtrans, keys);
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
