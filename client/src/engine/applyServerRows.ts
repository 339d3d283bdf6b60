/**
 * Applies pulled records: merges each into `_state` (both the server view
 * and the local view, which still holds pending local writes, so a pull never
 * undoes them), materializes the result into the app table, and stores the
 * new cursor, all in one transaction flagged as coming from the server.
 * A record with no pending local write is stored compactly: its stamp in
 * the page row this apply adds to `_pages` (db/pageStates.ts), its values
 * only in the app table — one write per record plus one per page.
 */
import { canonicalJson, emptyState, mergeRecord, type DocRow, type RecordRow, type RecordState } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { DOCS, META, PAGES, STATE } from '../db/internalStores.js';
import { appendServerDocs } from '../docs/appendServerDocs.js';
import type { MetaRow, StateRow } from '../db/rows.js';
import { isCompact, primaryKeyOf, storedForm } from '../db/stateRows.js';
import { addPages, loadStoredStates, PageBuilder, PageEdits, type PageRow } from '../db/pageStates.js';
import { markFromServer } from '../middleware/transactionFlags.js';
import { materializeMany } from './materializeInto.js';
import { foldStamps } from './observeStamps.js';
import { MetaKeys } from '../db/meta.js';

export async function applyServerRows(
  db: Dexie,
  clientId: string,
  tables: readonly string[],
  rows: RecordRow[],
  /** The pull cursor these rows bring the receiver to: `_meta` key and value (pullSpace.ts cursorKey). */
  cursor?: { key: string; value: string },
  /** Pulled Yjs updates: stored in `_docs` in the same transaction as the cursor. */
  docs: readonly DocRow[] = [],
  /**
   * Stamps of our own writes whose acks this session folds into `_state`
   * (applied already, or pushed and about to be: SyncSession.ownStamps): a
   * pulled or live record carrying only such stamps is skipped without
   * reading its `_state` row — the server view holds it, or will once the
   * ack is applied, and the local view already does. A catch-up receives
   * back every record it pushes (live delivery, pokes).
   */
  own?: { has(stamp: string): boolean },
): Promise<void> {
  // One entry per record, so a page holding a record twice merges both.
  const byKey = new Map<string, RecordRow>();
  for (const r of rows) {
    if (!tables.includes(r.table)) continue;
    if (own && onlyStamps(r.state, own)) continue;
    const k = JSON.stringify([r.table, r.id]);
    const seen = byKey.get(k);
    byKey.set(k, seen ? { ...r, state: mergeRecord(seen.state, r.state) } : r);
  }
  const known = [...byKey.values()];
  const scope = [...new Set([STATE, PAGES, META, ...(docs.length ? [DOCS] : []), ...known.map((r) => r.table)])];
  await db.transaction('rw', scope, async () => {
    markFromServer();
    const meta = db.table<MetaRow, string>(META);
    // Reads together, then every write together: requests of one transaction run in the
    // order issued, so each group costs one wait (a live row reaches the app table sooner).
    const [prevs, clockRow] = await Promise.all([
      loadStoredStates(
        db,
        known.map((r) => [r.table, r.id]),
      ),
      meta.get(MetaKeys.hlc),
    ]);
    const next: StateRow[] = [];
    // Compact states go into one new page row (per space), the rest into `_state`; a record leaves the
    // place it was stored in when that is not where it goes now (db/pageStates.ts invariants).
    const pks = new Map(tables.map((t) => [t, primaryKeyOf(db, t)]));
    const page = new PageBuilder();
    const full: StateRow[] = [];
    const unstate: [string, string][] = [];
    const moved = new PageEdits();
    for (const [i, row] of known.entries()) {
      const found = prevs[i];
      const prev = found?.row;
      // Already stored (typically our own write, pulled back after its ack was applied): nothing to write.
      if (prev && covers(prev.server, row.state) && covers(prev.state, row.state)) continue;
      const st: StateRow = {
        table: row.table,
        id: row.id,
        space: prev?.space ?? row.space,
        server: mergeRecord(prev?.server ?? emptyState(), row.state),
        state: mergeRecord(prev?.state ?? emptyState(), row.state),
      };
      next.push(st);
      const stored = storedForm(st, pks.get(st.table)!);
      moved.drop(found?.page, st.table, st.id);
      if (isCompact(stored)) {
        page.add(stored);
        if (found && !found.page) unstate.push([st.table, st.id]);
      } else {
        full.push(st);
      }
    }
    const clock = foldStamps(
      clientId,
      clockRow?.value,
      known.map((r) => r.state),
    );
    const metaRows: MetaRow[] = [];
    if (clock) metaRows.push({ key: MetaKeys.hlc, value: clock });
    if (cursor) metaRows.push({ key: cursor.key, value: cursor.value });
    const pages = db.table<PageRow, number>(PAGES);
    const states = db.table<StateRow, [string, string]>(STATE);
    const newPages = page.rows();
    await Promise.all([
      full.length ? states.bulkPut(full) : undefined,
      unstate.length ? states.bulkDelete(unstate) : undefined,
      newPages.length ? addPages(pages, newPages) : undefined,
      moved.store(pages),
      materializeMany(db, next),
      metaRows.length > 0 ? meta.bulkPut(metaRows) : undefined,
      appendServerDocs(db, docs),
    ]);
  });
}

/** Whether merging `b` into `a` leaves `a` as it is (mergeRecord's per-field choice keeps every field of `a`). */
export function covers(a: RecordState, b: RecordState): boolean {
  if (b.del !== undefined && (a.del === undefined || a.del < b.del)) return false;
  for (const [name, f] of Object.entries(b.fields)) {
    const cur = a.fields[name];
    if (!cur || cur.t < f.t) return false;
    if (cur.t === f.t && cur !== f) {
      const ca = cur.v === undefined ? '' : canonicalJson(cur.v);
      const cb = f.v === undefined ? '' : canonicalJson(f.v);
      if (ca < cb) return false;
    }
  }
  return true;
}

/** Whether every stamp of `state` (fields and tombstone) is in `stamps`. */
function onlyStamps(state: RecordState, stamps: { has(stamp: string): boolean }): boolean {
  if (state.del !== undefined && !stamps.has(state.del)) return false;
  let any = state.del !== undefined;
  for (const name in state.fields) {
    if (!stamps.has(state.fields[name]!.t)) return false;
    any = true;
  }
  return any;
}
