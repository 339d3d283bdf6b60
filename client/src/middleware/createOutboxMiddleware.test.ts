import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { materialize } from '@syncline/shared';
import { openApp, uniqueName } from '../testing/harness.js';
import type { OutboxRow, StateRow } from '../db/rows.js';
import { markFromServer } from './transactionFlags.js';

// No servers reachable: these tests look only at what the middleware records.
const offline = () =>
  openApp(uniqueName('mw'), {
    servers: ['mem://nowhere'],
    startEngine: () => ({ stop: async () => {}, kick() {}, addSpaces: async () => {}, onStatus() {} }),
  });

const outboxOf = (db: ReturnType<typeof offline>['db']) => db.table<OutboxRow, number>('_outbox').toArray();

describe('outbox middleware', () => {
  it('records add/put/delete in the same transaction with field diffs and increasing op ids', async () => {
    const { db } = offline();
    await db.cards.add({ id: 'c1', title: 'a', done: false });
    await db.cards.put({ id: 'c1', title: 'b' });
    await db.cards.update('c1', { done: true });
    await db.cards.delete('c1');
    await db.local.put({ id: 'x', title: 'not synced' });
    const rows = await outboxOf(db);
    expect(rows.map((r) => r.kind)).toEqual(['put', 'put', 'put', 'delete']);
    expect(rows[0]!.fields).toEqual({ id: 'c1', title: 'a', done: false });
    expect(rows[1]!.fields).toEqual({ title: 'b' });
    expect(rows[1]!.unset).toEqual(['done']);
    expect(rows[2]!.fields).toEqual({ done: true });
    const counters = rows.map((r) => Number(r.opId.split(':')[1]));
    expect(counters).toEqual([1, 2, 3, 4]);
    expect(new Set(rows.map((r) => r.opId.split(':')[0])).size).toBe(1);
    expect(rows.every((r) => r.space === 's1' && r.status === 'pending')).toBe(true);
    const st = await db.table<StateRow>('_state').get(['cards', 'c1']);
    expect(materialize(st!.state)).toBeNull();
    db.close();
  });

  it('an aborted transaction records nothing', async () => {
    const { db } = offline();
    await expect(
      db.transaction('rw', db.cards, async () => {
        await db.cards.put({ id: 'c1', title: 'a' });
        await db.cards.bulkPut([{ id: 'c2' }, { id: 'c3' }]);
        throw new Error('app bug');
      }),
    ).rejects.toThrow('app bug');
    expect(await db.cards.count()).toBe(0);
    expect(await outboxOf(db)).toEqual([]);
    expect(await db.table('_state').count()).toBe(0);
    db.close();
  });

  it('parallel writes in one transaction get distinct op ids; bulk and clear are recorded', async () => {
    const { db } = offline();
    await db.transaction('rw', db.cards, async () => {
      await Promise.all([db.cards.put({ id: 'a' }), db.cards.put({ id: 'b' }), db.cards.bulkAdd([{ id: 'c' }, { id: 'd' }])]);
    });
    await db.cards.clear();
    const rows = await outboxOf(db);
    expect(rows.filter((r) => r.kind === 'put')).toHaveLength(4);
    expect(
      rows
        .filter((r) => r.kind === 'delete')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(new Set(rows.map((r) => r.opId)).size).toBe(rows.length);
    db.close();
  });

  it('writes flagged as from the server are not recorded', async () => {
    const { db } = offline();
    await db.transaction('rw', db.cards, async () => {
      markFromServer();
      await db.cards.put({ id: 'r1', title: 'remote' });
    });
    expect(await db.cards.get('r1')).toMatchObject({ title: 'remote' });
    expect(await outboxOf(db)).toEqual([]);
    db.close();
  });

  it('a put that changes nothing records nothing; the outbox survives close and reopen', async () => {
    const name = uniqueName('mw');
    const fake = { stop: async () => {}, kick() {}, addSpaces: async () => {}, onStatus() {} };
    const a = openApp(name, { servers: ['mem://x'], startEngine: () => fake });
    await a.db.cards.put({ id: 'c1', title: 'a' });
    await a.db.cards.put({ id: 'c1', title: 'a' });
    a.db.close();
    const b = openApp(name, { servers: ['mem://x'], startEngine: () => fake });
    const rows = await b.db.table<OutboxRow>('_outbox').toArray();
    expect(rows).toHaveLength(1);
    await b.db.cards.put({ id: 'c2' });
    const after = await b.db.table<OutboxRow>('_outbox').toArray();
    expect(after.map((r) => Number(r.opId.split(':')[1]))).toEqual([1, 2]);
    b.db.close();
  });

  it('withAck stores the ack mode and keep level on the write', async () => {
    const { db, sync } = offline();
    await sync.withAck({ ack: 'async', until: 'replicated' }, ['cards'], () => db.cards.put({ id: 'c1' }));
    await db.cards.put({ id: 'c2' });
    const [a, b] = await outboxOf(db);
    expect(a).toMatchObject({ ack: 'async', keep: 'replicated' });
    expect(b!.ack).toBeUndefined();
    expect(b!.keep).toBe('accepted');
    db.close();
  });

  // Mutation check: dropping `!stores.includes(STATE)` from the middleware's transaction() widens the pull's
  // transaction to `_outbox` and fails the first expectation.
  it("an app write locks `_outbox`; Syncline's own pull transactions (naming `_state`) do not", async () => {
    const { db } = offline();
    const scopeOf = (stores: string[]) =>
      db.transaction('rw', stores, () => [
        ...(Dexie.currentTransaction as unknown as { idbtrans: IDBTransaction }).idbtrans.objectStoreNames,
      ]);
    expect(await scopeOf(['_state', '_meta', 'cards'])).not.toContain('_outbox');
    expect(await scopeOf(['cards'])).toEqual(expect.arrayContaining(['_outbox', '_state', '_meta', 'cards']));
    db.close();
  });
});
