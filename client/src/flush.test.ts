import { describe, expect, it } from 'vitest';
import { openApp, uniqueName } from './testing/harness.js';
import { applyPushResults } from './engine/applyPushResults.js';
import type { OutboxRow } from './db/rows.js';
import { flush } from './flush.js';

// No servers reachable: acks are applied by hand, as the engine would.
const offline = () =>
  openApp(uniqueName('fl'), {
    servers: ['mem://nowhere'],
    startEngine: () => ({ stop: async () => {}, kick() {}, addSpaces: async () => {}, onStatus() {} }),
  });

describe('flush', () => {
  // Mutation check: dropping `|| oldest > last` in flush (it then waits for b too, written after the call and
  // never acked) times this test out.
  it('waits for the writes pending at call time only, and names how many are left when it times out', async () => {
    const { db, sync } = offline();
    await db.cards.put({ id: 'a' });
    let settled = false;
    const done = flush(db, { timeoutMs: 5000, pollMs: 5 }).then(() => (settled = true));
    // Written once flush has read what is pending (its first transaction), so b is not among its writes.
    await new Promise((r) => setTimeout(r, 200));
    await db.cards.put({ id: 'b' });
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    const [a] = await db.table<OutboxRow, number>('_outbox').toArray();
    await applyPushResults(db, [a!], [{ opId: a!.opId, status: 'ok' }]);
    await done;
    expect(settled).toBe(true);
    await expect(flush(db, { timeoutMs: 30, pollMs: 5 })).rejects.toMatchObject({ code: 'TIMEOUT', details: { pending: 1 } });
    await sync.close();
  });

  // Mutation check: with `changes.next` sleeping the whole poll (the wake on `storagemutated` removed), flush
  // waits out its 60 s poll and this test fails (still unsettled 2 s after the ack).
  it('looks again as soon as an outbox change commits, not a poll later', async () => {
    const { db, sync } = offline();
    await db.cards.put({ id: 'a' });
    let settled = false;
    const done = flush(db, { timeoutMs: 120_000, pollMs: 60_000 }).then(() => (settled = true));
    // Let flush make its first look (the write is still pending) and go to sleep.
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    const [a] = await db.table<OutboxRow, number>('_outbox').toArray();
    await applyPushResults(db, [a!], [{ opId: a!.opId, status: 'ok' }]);
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
    expect(settled).toBe(true);
    await sync.close();
  });
});
