import { describe, expect, it } from 'vitest';
import { openApp, uniqueName } from '../testing/harness.js';
import { applyPushResults } from '../engine/applyPushResults.js';
import { applyReplicated } from '../engine/applyReplicated.js';
import type { OutboxRow } from '../db/rows.js';
import { readOutboxStats } from './readOutboxStats.js';
import { OUTBOX_COUNTS_KEY } from './outboxCounters.js';

// No servers reachable: push results are applied by hand, as the engine would.
const offline = () =>
  openApp(uniqueName('cnt'), {
    servers: ['mem://nowhere'],
    startEngine: () => ({ stop: async () => {}, kick() {}, addSpaces: async () => {}, onStatus() {} }),
  });

type Db = ReturnType<typeof offline>['db'];
const outbox = (db: Db) => db.table<OutboxRow, number>('_outbox');
/** The counts by scanning the outbox, to compare with the kept ones. */
async function scanned(db: Db) {
  return {
    pending: await outbox(db).where('status').equals('pending').count(),
    accepted: await outbox(db).where('status').equals('accepted').count(),
  };
}
async function kept(db: Db) {
  const s = await readOutboxStats(db);
  return { pending: s.pendingCount, accepted: s.awaitingReplicationCount };
}

describe('outbox counters', () => {
  // Mutation check: dropping `add(olds[i], -1)` in countedMutate (a replaced or deleted row is not taken off) keeps
  // pending at 3 after the acks and fails the second comparison.
  it('kept counts equal the scanned ones through writes, acks, replicated, rejections and deletes', async () => {
    const { db, sync } = offline();
    await db.cards.bulkPut([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await sync.withAck({ until: 'replicated' }, ['cards'], () => db.cards.put({ id: 'd' }));
    expect(await kept(db)).toEqual({ pending: 4, accepted: 0 });
    expect(await kept(db)).toEqual(await scanned(db));
    const rows = await outbox(db).toArray();
    const [a, b, c, d] = rows;
    await applyPushResults(
      db,
      [a!, b!, d!],
      [
        { opId: a!.opId, status: 'ok' },
        { opId: b!.opId, status: 'rejected', error: { code: 'FORBIDDEN', message: 'no', retryable: false } },
        { opId: d!.opId, status: 'ok' },
      ],
    );
    expect(await kept(db)).toEqual({ pending: 1, accepted: 1 });
    expect(await kept(db)).toEqual(await scanned(db));
    await applyReplicated(db, [d!.opId]);
    expect(await kept(db)).toEqual({ pending: 1, accepted: 0 });
    // An indeterminate result rewrites the row (attempts) but leaves it pending.
    await applyPushResults(db, [c!], [{ opId: c!.opId, status: 'indeterminate' }]);
    expect(await kept(db)).toEqual({ pending: 1, accepted: 0 });
    await outbox(db).clear();
    expect(await kept(db)).toEqual({ pending: 0, accepted: 0 });
    await sync.close();
  });

  // Mutation check: storing the delta alone when the row is missing (no recount) gives
  // pending 1 instead of 3 and fails this test.
  it('a database without kept counts (made before them) is counted once at its next outbox write', async () => {
    const { db, sync } = offline();
    await db.cards.bulkPut([{ id: 'a' }, { id: 'b' }]);
    await db.table('_meta').delete(OUTBOX_COUNTS_KEY);
    expect(await kept(db)).toEqual({ pending: 2, accepted: 0 }); // counted by the fallback
    await db.cards.put({ id: 'c' });
    expect((await db.table('_meta').get(OUTBOX_COUNTS_KEY))?.value).toEqual({ pending: 3, accepted: 0 });
    await sync.close();
  });
});
