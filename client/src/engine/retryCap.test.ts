/**
 * A write refused with a retryable code (NOT_ENOUGH_REPLICAS while a node is
 * out) is re-sent with a backoff that stops growing at `retryMaxMs`, however
 * long the connection backoff may grow: once the node is back, the write
 * goes through within about `retryMaxMs`, not after a 10 s step.
 *
 * Mutation caught: the previous cap (`backoff.maxMs`, 20 s here) — by the
 * sixth refusal the gaps exceed 1.6 s and the largest gap assertion fails.
 */
import { describe, expect, it } from 'vitest';
import { fakeCluster, openApp, uniqueName, waitFor } from '../testing/harness.js';

describe('re-sending refused writes', () => {
  it('backs off no further than retryMaxMs', async () => {
    const { network, servers, urls } = fakeCluster(1);
    const refusedAt: number[] = [];
    servers[0]!.fault = () => {
      refusedAt.push(Date.now());
      return { kind: 'reject', error: { code: 'NOT_ENOUGH_REPLICAS', message: 'a node is out', retryable: true } };
    };
    const a = openApp(uniqueName('cap'), {
      servers: urls,
      transport: network.transport,
      clientId: 'ca',
      engine: { pollIntervalMs: 100, backoff: { baseMs: 10, maxMs: 20_000 }, retryBaseMs: 50, retryMaxMs: 200, requestTimeoutMs: 2000 },
    });
    await a.db.cards.put({ id: 'c1', title: 'x' });
    // Enough refusals that an uncapped doubling from 50 ms would be past 1.6 s per step.
    await waitFor(() => refusedAt.length >= 10, 30_000, 'ten refusals');
    const gaps = refusedAt.slice(1).map((t, i) => t - refusedAt[i]!);
    console.log(`gaps between re-sends: ${gaps.join(', ')} ms`);
    // 200 ms cap plus generous room for a loaded machine; an uncapped backoff is ≥ 1.6 s by now.
    expect(Math.max(...gaps)).toBeLessThan(1500);
    servers[0]!.fault = null;
    await a.sync.flush({ timeoutMs: 10_000 });
    await a.sync.close();
  });
});
