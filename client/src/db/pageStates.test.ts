import { describe, expect, it } from 'vitest';
import { Hlc, changeToState, materialize, type RecordRow } from '@syncline/shared';
import { openApp, uniqueName } from '../testing/harness.js';
import { applyServerRows } from '../engine/applyServerRows.js';
import { markFromServer } from '../middleware/transactionFlags.js';
import type { OutboxRow, StateRow } from './rows.js';
import { loadStates } from './stateRows.js';
import { pageKey, type PageRow } from './pageStates.js';

// No servers reachable: the rows are applied by hand, as a pull would.
const offline = () => openApp(uniqueName('pg'), { servers: ['mem://nowhere'], startEngine: () => ({ stop: async () => {}, kick() {}, addSpaces: async () => {}, onStatus() {} }) });
type Db = ReturnType<typeof offline>['db'];

const server = new Hlc('srv');
function put(id: string, fields: Record<string, string | number | boolean>, hlc = server.now()): RecordRow {
  return { space: 's1', table: 'cards', id, seq: 1, state: changeToState({ kind: 'put', opId: `w:${hlc}`, space: 's1', table: 'cards', id, hlc, fields }) };
}
const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => put(`c${from + i}`, { title: `t${from + i}`, done: false }));
const pages = (db: Db) => db.table<PageRow, number>('_pages').toArray();
const stateRow = (db: Db, id: string) => db.table<StateRow>('_state').get(['cards', id]);
const outbox = (db: Db) => db.table<OutboxRow, number>('_outbox').toArray();

describe('_pages: compact states of pulled records, one row per page', () => {
  // Mutation check: storing compact states in `_state` again (applyServerRows: `full.push(st)` for compact ones
  // too) fails the `_state` count.
  it('a pulled page is one write per record (the app row) plus one page row', async () => {
    const { db, sync } = offline();
    let stateWrites = 0;
    let pageWrites = 0;
    db.table('_state').hook('creating', () => void stateWrites++);
    db.table('_pages').hook('creating', () => void pageWrites++);
    const rows = many(40);
    await applyServerRows(db, 'me', ['cards', 'notes'], rows);
    expect(stateWrites).toBe(0);
    expect(pageWrites).toBe(1);
    const [page] = await pages(db);
    expect(page!.keys).toEqual(rows.map((r) => pageKey('cards', r.id)));
    expect(await db.cards.count()).toBe(40);
    // Read back, each is the state the server sent.
    const states = await loadStates(db, rows.map((r) => ['cards', r.id]));
    states.forEach((st, i) => {
      expect(st!.server).toEqual(rows[i]!.state);
      expect(st!.state).toEqual(rows[i]!.state);
    });
    await sync.close();
  });

  // Mutation check: dropping `moved.drop(...)` in applyServerRows leaves c0..c4 in the first page too (two
  // page rows, 45 entries) and fails the page expectations.
  it('a later page takes a record over: its entry leaves the older page, which is deleted once empty', async () => {
    const { db, sync } = offline();
    await applyServerRows(db, 'me', ['cards', 'notes'], many(5));
    await applyServerRows(db, 'me', ['cards', 'notes'], many(20, 5));
    // c0..c4 again, newer: the first page empties, the second keeps c5..c24.
    const newer = many(5).map((r) => put(r.id, { title: `${r.id} v2`, done: true }));
    await applyServerRows(db, 'me', ['cards', 'notes'], newer);
    const rows = await pages(db);
    expect(rows.map((p) => p.keys.length)).toEqual([20, 5]);
    expect(rows[1]!.keys).toEqual(newer.map((r) => pageKey('cards', r.id)));
    const [st] = await loadStates(db, [['cards', 'c0']]);
    expect(st!.server).toEqual(newer[0]!.state);
    expect(await db.cards.get('c0')).toEqual({ id: 'c0', title: 'c0 v2', done: true });
    await sync.close();
  });

  // Mutation check: letting a page entry beat a `_state` row (readStoredStates: `if (row && !pageIds?.[i])` when
  // taking `_state` rows) returns the page's state and fails the `server` expectation.
  it('a `_state` row wins over a page entry of the same record', async () => {
    const { db, sync } = offline();
    const r = put('c1', { title: 'a', done: false });
    await applyServerRows(db, 'me', ['cards', 'notes'], [r, ...many(20, 2)]);
    const other = put('c1', { title: 'b', done: true });
    const full: StateRow = { table: 'cards', id: 'c1', space: 's1', server: other.state, state: other.state };
    await db.table('_state').put(full);
    for (const keys of [[['cards', 'c1']], [['cards', 'c1'], ...many(20, 2).map((x) => ['cards', x.id])]] as [string, string][][]) {
      const [st] = await loadStates(db, keys);
      expect(st!.server).toEqual(other.state);
    }
    await sync.close();
  });

  // Mutation checks: the middleware ignoring page entries (`prevStates` undefined where `f.page` is set) records
  // the edit as a put of every field (`fields` fails); not dropping the page entry (no `moved.drop` in
  // recordMutation) leaves c1 in the page (the `_pages` expectation fails).
  it('a local write on a page-stored record sees its page state and moves it to `_state`', async () => {
    const { db, sync } = offline();
    const r = put('c1', { title: 'from server', done: false });
    await applyServerRows(db, 'me', ['cards', 'notes'], [r, put('c2', { title: 'x', done: false })]);
    await db.cards.update('c1', { done: true });
    const [op] = await outbox(db);
    expect(op!.fields).toEqual({ id: 'c1', done: true });
    expect(op!.hlc > r.state.fields.title!.t).toBe(true);
    const row = await stateRow(db, 'c1');
    expect(row!.server).toEqual(r.state);
    expect(materialize(row!.state)).toEqual({ id: 'c1', title: 'from server', done: true });
    expect((await pages(db)).map((p) => p.keys)).toEqual([[pageKey('cards', 'c2')]]);
    // A local delete of the last page-stored record empties (deletes) the page.
    await db.cards.delete('c2');
    expect(await pages(db)).toEqual([]);
    expect((await stateRow(db, 'c2'))!.state.del).toBeDefined();
    await sync.close();
  });

  // Issue 14 acceptance. Mutation check: applyServerRows not reading `_state` (readStoredStates: `inState = []`)
  // merges the later pull over the pulled state only: the app row shows 'server title' and the test fails.
  it('a pending local edit over pulled state survives a later pull', async () => {
    const { db, sync } = offline();
    await applyServerRows(db, 'me', ['cards', 'notes'], [put('c1', { title: 'v1', done: false }), ...many(20, 2)]);
    const t0 = server.now();
    await db.cards.update('c1', { title: 'local title' }); // pending, stamped after t0
    // A later (large) page: an older title, a newer `done`, and other records.
    await applyServerRows(db, 'me', ['cards', 'notes'], [put('c1', { title: 'server title' }, t0), put('c1', { done: true }), ...many(20, 30)]);
    expect(await db.cards.get('c1')).toEqual({ id: 'c1', title: 'local title', done: true });
    const row = await stateRow(db, 'c1');
    expect(row!.server.fields.title!.v).toBe('server title');
    expect(row!.state.fields.title!.v).toBe('local title');
    expect((await outbox(db)).map((o) => o.fields)).toEqual([{ id: 'c1', title: 'local title' }]);
    expect((await pages(db)).some((p) => p.keys.includes(pageKey('cards', 'c1')))).toBe(false);
    await sync.close();
  });

  // Mutation check: PageKeys.begin() keeping its key record when the highest page id is not its own (drop the
  // `lastId !== this.lastId` branch) skips the lookup of x: its title is lost and the app-row expectation fails.
  it("the engine's record of page keys yields to a page added by someone else", async () => {
    const { db, sync } = offline();
    await applyServerRows(db, 'me', ['cards', 'notes'], many(20));
    // Another engine (another tab) stores x in a page of its own.
    const t1 = server.now();
    await db.transaction('rw', ['cards', '_pages'], async () => {
      markFromServer();
      await db.cards.put({ id: 'x', title: 'a' });
      await db.table('_pages').add({ space: 's1', keys: [pageKey('cards', 'x')], t: [t1], k: [1] });
    });
    await applyServerRows(db, 'me', ['cards', 'notes'], [put('x', { done: true }), ...many(20, 40)]);
    expect(await db.cards.get('x')).toEqual({ id: 'x', title: 'a', done: true });
    await sync.close();
  });
});
