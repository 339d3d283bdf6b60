import { describe, expect, it } from 'vitest';
import { materialize } from '@syncline/shared';
import { uniqueName } from '../testing/harness.js';
import { offlineApp, pulledPut as put, serverClock as server } from '../testing/pulled.js';
import { applyServerRows } from '../engine/applyServerRows.js';
import { summarizeSpace } from '../engine/summarizeSpace.js';
import type { OutboxRow, StateRow } from './rows.js';
import { isCompact, loadStates, type StoredStateRow } from './stateRows.js';

const offline = () => offlineApp(uniqueName('st'));

const stored = (db: ReturnType<typeof offline>['db'], id: string) => db.table<StoredStateRow>('_state').get(['cards', id]);
const outbox = (db: ReturnType<typeof offline>['db']) => db.table<OutboxRow, number>('_outbox').toArray();

describe('compact _state rows', () => {
  // Mutation check: making storedForm() always return the full row fails the first expectation.
  it('a pulled record with no pending write keeps its values only in the app table', async () => {
    const { db, sync } = offline();
    const r = put('c1', { title: 'from server', done: false });
    await applyServerRows(db, 'me', ['cards', 'notes'], [r]);
    // Its compact state is a page entry (db/pageStates.ts), not a `_state` row.
    expect(await stored(db, 'c1')).toBeUndefined();
    const pages = await db.table('_pages').toArray();
    expect(pages).toHaveLength(1);
    expect(JSON.stringify(pages)).not.toContain('from server');
    expect(await db.cards.get('c1')).toEqual({ id: 'c1', title: 'from server', done: false });
    // Expanded, it is the state the server sent (the app row's key field is not one of its fields).
    const [full] = await loadStates(db, [['cards', 'c1']]);
    expect(full!.server).toEqual(r.state);
    expect(full!.state).toEqual(r.state);
    // The resync summary sees the same server view as from a full row (mutation check: expanding with
    // `t: row.t + '0'` fails this test, first at the `server` comparison above).
    const fromCompact = await summarizeSpace(db, 's1');
    await db.table('_state').put(full!);
    expect(await summarizeSpace(db, 's1')).toEqual(fromCompact);
    await sync.close();
  });

  // Mutation check: making expandState() return undefined (stamps lost) turns this edit into a put of every field
  // (title too) and fails the `fields` expectation.
  it('a local edit of a compact record sends only the changed field, stamped after the pulled one', async () => {
    const { db, sync } = offline();
    const r = put('c1', { title: 'from server', done: false });
    await applyServerRows(db, 'me', ['cards', 'notes'], [r]);
    await db.cards.update('c1', { done: true });
    const [op] = await outbox(db);
    // `id`: the pulled state has no key field, the app row has (as before compact rows).
    expect(op!.fields).toEqual({ id: 'c1', done: true });
    expect(op!.hlc > r.state.fields.title!.t).toBe(true);
    const row = (await stored(db, 'c1')) as StateRow;
    expect(isCompact(row)).toBe(false);
    expect(row.server).toEqual(r.state);
    expect(materialize(row.state)).toEqual({ id: 'c1', title: 'from server', done: true });
    await sync.close();
  });

  // Mutation check: storing the pulled row's state as `state` (dropping the local view: `state: mergeRecord(emptyState(),
  // row.state)` in applyServerRows) shows 'server title' in the app table and fails the app-row expectation.
  it('a pulled row does not clobber a pending local edit (field LWW): other fields merge, the pending field stays', async () => {
    const { db, sync } = offline();
    await applyServerRows(db, 'me', ['cards', 'notes'], [put('c1', { title: 'v1', done: false })]);
    const t0 = server.now();
    await db.cards.update('c1', { title: 'local title' }); // pending, stamped after t0
    // The server's newer state of the record: a title written before the local edit and a new `done`.
    const older = put('c1', { title: 'server title' }, t0);
    const newer = put('c1', { done: true });
    await applyServerRows(db, 'me', ['cards', 'notes'], [older, newer]);
    expect(await db.cards.get('c1')).toEqual({ id: 'c1', title: 'local title', done: true });
    const row = (await stored(db, 'c1')) as StateRow;
    expect(isCompact(row)).toBe(false);
    expect(row.server.fields.title!.v).toBe('server title');
    expect(row.state.fields.title!.v).toBe('local title');
    expect((await outbox(db)).map((o) => o.fields)).toEqual([{ id: 'c1', title: 'local title' }]);
    await sync.close();
  });

  it('a record that differs from its stamp-uniform form stays full (tombstones, per-field stamps)', async () => {
    const { db, sync } = offline();
    await applyServerRows(db, 'me', ['cards', 'notes'], [put('c1', { title: 'a', done: false })]);
    await applyServerRows(db, 'me', ['cards', 'notes'], [put('c1', { done: true })]);
    const row = (await stored(db, 'c1')) as StateRow;
    expect(isCompact(row)).toBe(false);
    expect(materialize(row.state)).toEqual({ title: 'a', done: true });
    await sync.close();
  });
});
