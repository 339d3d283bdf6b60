import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Dexie, type DBCore } from 'dexie';
import { materialize } from '@syncline/shared';
import { uniqueName } from '../testing/harness.js';
import { offlineApp, pulledPut as put, serverClock as server } from '../testing/pulled.js';
import { applyServerRows } from '../engine/applyServerRows.js';
import { markFromServer } from '../middleware/transactionFlags.js';
import type { OutboxRow, StateRow } from './rows.js';
import { loadStates } from './stateRows.js';
import { pageKey, type PageRow } from './pageStates.js';
import { synclineStores } from './internalStores.js';

// The same name twice: two connections to one database (two tabs).
const offline = (name = uniqueName('pg')) => offlineApp(name);

type Db = ReturnType<typeof offline>['db'];

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
    const states = await loadStates(
      db,
      rows.map((r) => ['cards', r.id]),
    );
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
    await applyServerRows(
      db,
      'me',
      ['cards', 'notes'],
      [put('c1', { title: 'server title' }, t0), put('c1', { done: true }), ...many(20, 30)],
    );
    expect(await db.cards.get('c1')).toEqual({ id: 'c1', title: 'local title', done: true });
    const row = await stateRow(db, 'c1');
    expect(row!.server.fields.title!.v).toBe('server title');
    expect(row!.state.fields.title!.v).toBe('local title');
    expect((await outbox(db)).map((o) => o.fields)).toEqual([{ id: 'c1', title: 'local title' }]);
    expect((await pages(db)).some((p) => p.keys.includes(pageKey('cards', 'c1')))).toBe(false);
    await sync.close();
  });

  // Mutation check: PageIndex.catchUp reading nothing once built (range lower bound `Infinity` when `seen > 0`)
  // misses x's page: its title is lost and the app-row expectation fails.
  it('a page row added outside the engine (same connection) is found', async () => {
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

describe('PageIndex: which page may hold a record, in memory per connection', () => {
  // Mutation check: PageIndex.catchUp reading nothing once built (range lower bound `Infinity` when `seen > 0`):
  // A's index keeps c0 -> page 1, which no longer holds it, and misses x: both expectations fail.
  it("another connection's page rows are seen: a record it moved is found in its new page", async () => {
    const name = uniqueName('pg2');
    const a = offline(name);
    const b = offline(name);
    const first = many(20);
    await applyServerRows(a.db, 'me', ['cards', 'notes'], first);
    // A's index is built (c0 -> page 1).
    expect((await loadStates(a.db, [['cards', 'c0']]))[0]!.server).toEqual(first[0]!.state);
    // B (another tab) pulls c0 again, newer, and a new record x: c0 leaves page 1 for B's page.
    const newer = put('c0', { title: 'c0 v2', done: true });
    const x = put('x', { title: 'x' });
    await applyServerRows(b.db, 'me', ['cards', 'notes'], [newer, x]);
    expect((await pages(a.db)).map((p) => p.keys.length)).toEqual([19, 2]);
    const [c0, gotX] = await loadStates(a.db, [
      ['cards', 'c0'],
      ['cards', 'x'],
    ]);
    expect(c0!.server).toEqual(newer.state);
    expect(gotX!.server).toEqual(x.state);
    // A local write through A's middleware sees x's page state: the op holds the changed field only.
    await a.db.cards.update('x', { done: true });
    expect((await outbox(a.db)).map((o) => o.fields)).toEqual([{ id: 'x', done: true }]);
    await a.sync.close();
    await b.sync.close();
  });

  // Mutation checks: PageIndex.added folding into the shared map at once (`fold(this.at, ...)`), or catchUp
  // folding a transaction's rows into the shared map while it adds pages (`mine?.at ?? this.at` -> `this.at`,
  // `seen` advanced): after the abort the index points c0 (and c25) at page ids the aborted transaction used,
  // which IndexedDB hands out again to the next page, so c0's state is lost and the `server` expectation fails.
  it('the page rows of an aborted transaction are not learnt', async () => {
    const { db, sync } = offline();
    await applyServerRows(db, 'me', ['cards', 'notes'], many(20));
    const [before] = await loadStates(db, [['cards', 'c0']]);
    const scope = ['cards', '_state', '_pages', '_meta'];
    await expect(
      db.transaction('rw', scope, async () => {
        // c0 moves to a new page, then a second page (whose read catches up with the first) in the same transaction.
        await applyServerRows(db, 'me', ['cards', 'notes'], [put('c0', { title: 'lost', done: true }), ...many(5, 20)]);
        await applyServerRows(db, 'me', ['cards', 'notes'], [put('c1', { title: 'lost too', done: true }), ...many(5, 25)]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await pages(db)).map((p) => p.keys.length)).toEqual([20]);
    // The next pages reuse the aborted ids.
    await applyServerRows(db, 'me', ['cards', 'notes'], many(5, 40));
    await applyServerRows(db, 'me', ['cards', 'notes'], many(5, 45));
    const [c0, c1] = await loadStates(db, [
      ['cards', 'c0'],
      ['cards', 'c1'],
    ]);
    expect(c0!.server).toEqual(before!.server);
    expect(c1!.server.fields.title!.v).toBe('t1');
    await sync.close();
  });

  // Mutation check: the reader trusting the index without the membership check (`n ?? 0` for the entry
  // index) gives c0 the entry of the record now first in the page: the `server` expectation fails.
  it('a pointer to a page that no longer holds the record, or no longer exists, reads as no page entry', async () => {
    const name = uniqueName('pg3');
    const a = offline(name);
    const b = offline(name);
    const first = many(3);
    await applyServerRows(a.db, 'me', ['cards', 'notes'], first);
    await applyServerRows(a.db, 'me', ['cards', 'notes'], many(2, 10));
    expect(
      (
        await loadStates(a.db, [
          ['cards', 'c0'],
          ['cards', 'c10'],
        ])
      ).every((st) => st !== undefined),
    ).toBe(true);
    // B (another tab) writes c0 locally (its entry leaves page 1) and deletes c10 and c11 (page 2 emptied, deleted).
    await b.db.cards.update('c0', { done: true });
    await b.db.cards.bulkDelete(['c10', 'c11']);
    expect((await pages(a.db)).map((p) => p.keys)).toEqual([[pageKey('cards', 'c1'), pageKey('cards', 'c2')]]);
    // Without the `_state` rows B wrote, the pointers A holds lead nowhere.
    await a.db.table('_state').clear();
    const [c0, c1, c10] = await loadStates(a.db, [
      ['cards', 'c0'],
      ['cards', 'c1'],
      ['cards', 'c10'],
    ]);
    expect(c0).toBeUndefined();
    expect(c1!.server).toEqual(first[1]!.state);
    expect(c10).toBeUndefined();
    await a.sync.close();
    await b.sync.close();
  });

  // Mutation check (old code): readStates as an async function awaiting readStoredStates natively, with the
  // `_state` reads slowed as below, reads the app rows outside the transaction's zone: "TypeError: Cannot read
  // properties of undefined (reading 'mode')" in Dexie's isCachableContext, in every call below.
  it("reads keep the transaction's Dexie zone when `_state` holds a compact row and its reads are slow", async () => {
    const { db, sync } = offline();
    // Results of `_state` reads arrive 500 microtasks late (past Dexie's zone echoes), as on a busy browser.
    const later = async <T>(p: Promise<T>): Promise<T> => {
      const v = await p;
      for (let i = 0; i < 500; i++) await null;
      return v;
    };
    db.use({
      stack: 'dbcore',
      name: 'slow-state',
      level: -10,
      create: (down: DBCore) => ({
        ...down,
        table: (n) => {
          const t = down.table(n);
          return n !== '_state'
            ? t
            : { ...t, getMany: (r) => later(t.getMany(r)), query: (r) => later(t.query(r)), count: (r) => later(t.count(r)) };
        },
      }),
    });
    const t = server.now();
    await db.transaction('rw', ['cards', '_state'], async () => {
      markFromServer();
      await db.cards.put({ id: 'a', title: 'x' });
      await db.table('_state').put({ table: 'cards', id: 'a', space: 's1', t, k: 1 });
    });
    const keys: [string, string][] = [['cards', 'a'], ...many(30).map((r): [string, string] => ['cards', r.id])];
    for (const ks of [keys.slice(0, 1), keys]) expect((await loadStates(db, ks))[0]!.state.fields.title).toEqual({ t, v: 'x' });
    await applyServerRows(db, 'me', ['cards', 'notes'], [put('a', { title: 'y' }), ...many(30)]);
    expect(await db.cards.get('a')).toEqual({ id: 'a', title: 'y' });
    await db.cards.update('a', { done: true });
    // The op holds the changed field only: the write saw the pulled state.
    expect((await outbox(db)).map((o) => o.fields)).toEqual([{ done: true }]);
    await sync.close();
  });

  // Dexie 4's schema diff (same version number, declared schema differs from the installed one) only adds
  // what is missing: the old index stays, unused (reads go through PageIndex) but still written.
  // Mutation check: PageIndex not reading the rows present before its first read (`seen` starting at 1e9)
  // fails the states expectation.
  it('a database installed with the old `*keys` index opens and reads its page rows', async () => {
    const name = uniqueName('pg4');
    const old = new Dexie(name);
    old.version(1).stores({ cards: 'id, title', notes: 'id', local: 'id', ...synclineStores, _pages: '++id, *keys, space' });
    const rows = many(3);
    await old
      .table('cards')
      .bulkPut(rows.map((r) => materialize(r.state) as Record<string, unknown>).map((v, i) => ({ ...v, id: rows[i]!.id })));
    await old
      .table('_pages')
      .add({ space: 's1', keys: rows.map((r) => pageKey('cards', r.id)), t: rows.map((r) => r.state.fields.title!.t), k: [0, 0, 0] });
    expect(old.backendDB().transaction('_pages').objectStore('_pages').indexNames.contains('keys')).toBe(true);
    old.close();
    const { db, sync } = offline(name);
    await db.open();
    expect(db.backendDB().transaction('_pages').objectStore('_pages').indexNames.contains('keys')).toBe(true);
    const states = await loadStates(
      db,
      rows.map((r) => ['cards', r.id]),
    );
    states.forEach((st, i) => expect(st!.server).toEqual(rows[i]!.state));
    // A later page takes c0 over; the old page keeps c1 and c2.
    const newer = put('c0', { title: 'c0 v2', done: true });
    await applyServerRows(db, 'me', ['cards', 'notes'], [newer]);
    expect((await pages(db)).map((p) => p.keys.length)).toEqual([2, 1]);
    expect((await loadStates(db, [['cards', 'c0']]))[0]!.server).toEqual(newer.state);
    await sync.close();
  });
});
