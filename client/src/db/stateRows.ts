/**
 * The stored form of `_state` rows. A record whose local view equals its
 * server view (no pending local write), with no tombstone and one stamp on
 * every field, is stored compactly: its key, space and that stamp, with
 * the values read back from the app table (they are what the app table
 * shows: `materialize(state)` plus the primary key). Everything else is
 * stored in full (`StateRow`). Most pulled records are compact, so a pulled
 * record's values are stored once (in the app table) instead of twice.
 *
 * Readers go through `expandStates`, which turns compact rows back into
 * `StateRow`s; writers through `storedForm`.
 */
import { canonicalJson, dict, type FieldState, type RecordState } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { PAGES, STATE } from './internalStores.js';
import { loadStoredStates, pageEntries, pageKey, type PageRow } from './pageStates.js';
import type { StateRow } from './rows.js';

export interface CompactStateRow {
  table: string;
  id: string;
  space: string;
  /** The stamp of every field. */
  t: string;
  /** 1: the state also holds the primary-key field (its value is the id). */
  k?: 1;
}

export type StoredStateRow = StateRow | CompactStateRow;

export function isCompact(row: StoredStateRow): row is CompactStateRow {
  return (row as CompactStateRow).t !== undefined && (row as StateRow).server === undefined;
}

/** The row to store for `row`: compact when the app row can give back its values, else `row` itself. */
export function storedForm(row: StateRow, primaryKey: string): StoredStateRow {
  const { server, state } = row;
  if (state.del !== undefined || !sameState(server, state)) return row;
  let t: string | undefined;
  for (const f of Object.values(state.fields)) {
    if (f.v === undefined) return row;
    if (t === undefined) t = f.t;
    else if (f.t !== t) return row;
  }
  if (t === undefined) return row;
  const out: CompactStateRow = { table: row.table, id: row.id, space: row.space, t };
  const pk = state.fields[primaryKey];
  if (pk) {
    // The app row's key field is the id; a state holding another value there cannot be rebuilt from it.
    if (pk.v !== row.id) return row;
    out.k = 1;
  }
  return out;
}

/** The full row of a compact one, from the app row (undefined when the app row is gone). */
export function expandState(row: CompactStateRow, appRow: Record<string, unknown> | undefined, primaryKey: string): StateRow | undefined {
  if (!appRow) return undefined;
  const fields = dict<FieldState>();
  for (const [name, v] of Object.entries(appRow)) {
    if (name === primaryKey && row.k !== 1) continue;
    fields[name] = { t: row.t, v: v as FieldState['v'] };
  }
  const state: RecordState = { fields };
  return { table: row.table, id: row.id, space: row.space, server: state, state };
}

/**
 * Expands the compact rows among `rows` (read from `_state`), reading the
 * app rows they need with one `getMany` per table, all issued before the
 * first wait: a read issued after a native await inside a Dexie
 * transaction may run outside its zone (db/pageStates.ts readStates).
 */
export async function expandStates(
  rows: readonly (StoredStateRow | undefined)[],
  getMany: (table: string, ids: string[]) => PromiseLike<readonly unknown[]>,
  primaryKeyOf: (table: string) => string,
): Promise<(StateRow | undefined)[]> {
  const byTable = new Map<string, number[]>();
  rows.forEach((r, i) => {
    if (!r || !isCompact(r)) return;
    let at = byTable.get(r.table);
    if (!at) byTable.set(r.table, (at = []));
    at.push(i);
  });
  const out = rows.slice() as (StateRow | undefined)[];
  if (byTable.size === 0) return out;
  const tables = [...byTable];
  const apps = await Promise.all(
    tables.map(([table, at]) =>
      getMany(
        table,
        at.map((i) => rows[i]!.id),
      ),
    ),
  );
  tables.forEach(([table, at], n) => {
    const pk = primaryKeyOf(table);
    at.forEach((i, j) => {
      out[i] = expandState(rows[i] as CompactStateRow, apps[n]![j] as Record<string, unknown> | undefined, pk);
    });
  });
  return out;
}

/** Whether two states mean the same (stamps, values by canonical JSON, tombstone). */
export function sameState(a: RecordState, b: RecordState): boolean {
  if (a === b) return true;
  if (a.del !== b.del) return false;
  const ka = Object.keys(a.fields);
  if (ka.length !== Object.keys(b.fields).length) return false;
  for (const name of ka) {
    const fa = a.fields[name]!;
    const fb = b.fields[name];
    if (fa === fb) continue;
    if (!fb || fa.t !== fb.t) return false;
    if ((fa.v === undefined) !== (fb.v === undefined)) return false;
    if (fa.v !== undefined && canonicalJson(fa.v) !== canonicalJson(fb.v!)) return false;
  }
  return true;
}

/**
 * The stored states of these records (`_state` rows, else page entries: db/pageStates.ts), compact ones
 * expanded (Dexie level: inside or outside a transaction).
 */
export async function loadStates(db: Dexie, keys: readonly [string, string][]): Promise<(StateRow | undefined)[]> {
  return (await loadStoredStates(db, keys)).map((l) => l?.row);
}

/**
 * Every stored state of a space, compact ones expanded: its `_state` rows and the page entries of records
 * with none, read in one transaction (a record moving between them meanwhile is seen once).
 */
export function loadSpaceStates(db: Dexie, space: string): Promise<StateRow[]> {
  return db.transaction('r', db.tables, async () => {
    const [rows, pages] = await Promise.all([
      db.table<StoredStateRow, [string, string]>(STATE).where('space').equals(space).toArray(),
      db.table<PageRow, number>(PAGES).where('space').equals(space).toArray(),
    ]);
    const all: StoredStateRow[] = rows.slice();
    const inState = new Set(rows.map((r) => pageKey(r.table, r.id)));
    for (const p of pages) for (const row of pageEntries(p)) if (!inState.has(pageKey(row.table, row.id))) all.push(row);
    const full = await expandStates(
      all,
      (table, ids) => db.table(table).bulkGet(ids),
      (table) => primaryKeyOf(db, table),
    );
    return full.filter((r): r is StateRow => r !== undefined);
  });
}

export function primaryKeyOf(db: Dexie, table: string): string {
  return db.table(table).schema.primKey.keyPath as string;
}
