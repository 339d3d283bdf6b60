/**
 * Pulls that take more than one page: servers with `--max-pull-limit 3`, a
 * fresh client subscribing to a space holding 20 records must have them all
 * when its first pull completes (status `lastPullAt`), not one page of them.
 * The periodic pull is far off (10 min), so only following `hasMore` within
 * one pull gets there.
 * Mutation caught: `pullSpace` ignoring `hasMore` (client/src/engine/pullSpace.ts,
 * `const next = null`): the client stops after 3 records.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openClient, startCluster, useCleanup, waitFor } from './realCluster.js';

const live = useCleanup();
const SLOW_PULL = {
  pollIntervalMs: 200,
  pullIntervalMs: 600_000,
  backoff: { baseMs: 50, maxMs: 500 },
  retryBaseMs: 50,
  requestTimeoutMs: 8000,
};

describe('multi-page pulls', () => {
  it('a new client gets every record of a space in one pull of many small pages', async () => {
    ({ servers: live.servers } = await startCluster(1, ['--ack', 'sync', '--max-pull-limit', '3']));
    const urls = live.servers.map((s) => s.url);
    const writer = openClient(urls);
    live.clients.push(writer);
    for (let i = 0; i < 20; i++) await writer.db.items.put({ id: `p${String(i).padStart(2, '0')}`, n: i });
    await writer.sync.flush({ timeoutMs: 20_000 });

    const reader = openClient(urls, { engine: SLOW_PULL });
    live.clients.push(reader);
    await waitFor(() => reader.sync.getStatus().lastPullAt !== null, 20_000, 'the first pull');
    const got = (await reader.db.items.toArray()).map((r) => r.id).sort();
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `p${String(i).padStart(2, '0')}`));
  });
});
