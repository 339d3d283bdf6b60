/**
 * Cursors survive a primary failover (issue 12): a client synced with a
 * 10,000-record space, whose cursor names node n1, pulls after n1 is taken
 * out. The server asks for its summary and re-sends only the buckets that
 * differ: fewer than 1% of the rows (counted by the server), and the client
 * ends equal to a model of what was written.
 *
 * Mutation it catches: a client that does not offer a summary (pullSpace
 * `resync: false`, or the server ignoring `resync`) re-pulls all 10,000 rows
 * and `cursorResets` becomes 1: both assertions on the counters fail.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type PushReply } from '@syncline/shared';
import { openClient, startCluster, useCleanup, waitFor } from './realCluster.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';

const live = useCleanup();
const RECORDS = 10_000;

interface Replication {
  cursorResets: number;
  resyncs: number;
  resyncRows: number;
}

describe('cursor on primary failover', () => {
  it('re-sends fewer than 1% of a 10k-record space, and the client matches the model', async () => {
    ({ servers: live.servers } = await startCluster(1, ['--ack', 'semi-sync']));
    const url = live.servers[0]!.url;
    const writer = await connectClient(url, { clientId: 'seed' });
    const maker = new ChangeMaker('seed');
    /** The model: what each id should show (undefined = deleted). */
    const model = new Map<string, number | undefined>();
    const push = async (changes: Parameters<typeof maker.put>[] | ReturnType<typeof maker.put | typeof maker.del>[]) => {
      const reply = await request<PushReply>(writer, 'push', { changes, ack: 'semi-sync' }, 60_000);
      expect(reply.results.every((r) => r.status === 'ok')).toBe(true);
    };
    for (let start = 0; start < RECORDS; start += 500) {
      const batch = [];
      for (let i = start; i < start + 500; i++) {
        batch.push(maker.put('space-1', `r${i}`, { v: i }));
        model.set(`r${i}`, i);
      }
      await push(batch);
    }

    const reader = openClient([url]);
    live.clients.push(reader);
    await waitFor(async () => (await reader.db.items.count()) === RECORDS, 60_000, 'initial sync of 10k records');

    // Every node holds the same records before the failover (semi-sync lets the third lag briefly).
    const status = async () =>
      (await (await fetch(`${url}/status?digests=1`)).json()) as { digests: Record<string, string>; replication: Replication };
    await waitFor(async () => new Set(Object.values((await status()).digests)).size === 1, 30_000, 'equal node digests');

    // Rows the reader stores from now on (each pulled row is one put on `_state` or one entry of a `_pages` row).
    let rowsAfterFailover = 0;
    reader.db.table('_state').hook('creating', () => void rowsAfterFailover++);
    reader.db.table('_state').hook('updating', () => void rowsAfterFailover++);
    reader.db.table('_pages').hook('creating', (_key, page: { keys: string[] }) => void (rowsAfterFailover += page.keys.length));

    // n1 (the primary the reader's cursor names) out; n2 becomes primary.
    expect((await fetch(`${url}/admin/nodes/n1/maintenance`, { method: 'POST' })).status).toBe(200);
    const changes = [];
    for (let i = 0; i < 10; i++) {
      changes.push(maker.put('space-1', `r${i * 97}`, { v: -i }));
      model.set(`r${i * 97}`, -i);
    }
    for (let i = 0; i < 5; i++) {
      changes.push(maker.del('space-1', `r${5000 + i * 31}`));
      model.set(`r${5000 + i * 31}`, undefined);
    }
    for (let i = 0; i < 10; i++) {
      changes.push(maker.put('space-1', `new${i}`, { v: 100_000 + i }));
      model.set(`new${i}`, 100_000 + i);
    }
    await push(changes);

    const expected = canonicalJson(
      [...model.entries()]
        .filter(([, v]) => v !== undefined)
        .map(([id, v]) => ({ id, v }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    const actual = async () => canonicalJson((await reader.db.items.toArray()).sort((a, b) => (a.id < b.id ? -1 : 1)));
    await waitFor(async () => (await actual()) === expected, 30_000, 'reader equal to the model after the failover');

    const { replication } = await status();
    console.log(
      `failover with ${RECORDS} records: the reader stored ${rowsAfterFailover} rows; server: ${replication.resyncRows} rows re-sent in ${replication.resyncs} resync(s)`,
    );
    // (The server's own poke watcher also pulls with a cursor of the old primary, so `cursorResets` is not the reader's.)
    expect(replication.resyncs).toBeGreaterThanOrEqual(1);
    expect(replication.resyncRows).toBeLessThan(RECORDS / 100);
    expect(rowsAfterFailover).toBeLessThan(RECORDS / 100);
    writer.disconnect();
  }, 180_000);
});
