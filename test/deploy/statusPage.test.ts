/**
 * Issue 4, replication observability: acks by mode and outcome and degraded
 * acks are visible both as Prometheus metrics and in the GET /status JSON,
 * next to per-node health, lag and repair progress.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PushReply } from '@syncline/shared';
import { ChangeMaker } from '../helpers/changes.js';
import { request } from '../helpers/syncClient.js';
import { Deployment } from './support/cluster.js';
import { join } from 'node:path';
import { metric } from './support/metric.js';

describe('observability of acks', () => {
  const dep = new Deployment();
  afterAll(() => dep.dispose());

  it('reports acks by mode and outcome, and degraded acks, in /metrics and /status', async () => {
    const dir = dep.tempDir('syncline-status-');
    const nodes = [1, 2, 3].map((i) => `sqlite:${join(dir, `n${i}.db`)}`);
    const [srv] = await dep.startServers(1, { nodes, ack: 'sync', extraArgs: ['--fallback', 'degrade'] });
    const c = await dep.client(srv!, 'obs');
    const maker = new ChangeMaker('obs');
    const push = (n: number) =>
      request<PushReply>(c, 'push', { changes: Array.from({ length: n }, (_, i) => maker.put('s', `r${maker.nextOpId()}-${i}`, { i })) });

    expect((await push(3)).results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect((await fetch(`${srv!.url}/admin/nodes/n3/maintenance`, { method: 'POST' })).status).toBe(200);
    const degraded = await push(2);
    expect(degraded.results.map((r) => [r.status, r.degraded])).toEqual([
      ['ok', true],
      ['ok', true],
    ]);

    const metrics = await (await fetch(`${srv!.url}/metrics`)).text();
    expect(metric(metrics, 'syncline_acks_total', { mode: 'sync', outcome: 'ok' })).toBe(5);
    expect(metric(metrics, 'syncline_degraded_acks_total', { mode: 'sync' })).toBe(2);

    const status = (await (await fetch(`${srv!.url}/status`)).json()) as Record<string, unknown>;
    expect(status.nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'n3', state: 'maintenance', lagOps: expect.any(Number), repairProgress: expect.any(Number) }),
      ]),
    );
    // The same numbers on the JSON page (the shape is the server's choice; the values must be there).
    const numbers = numericFields(status);
    expect(
      numbers.filter(([k, v]) => /degraded/i.test(k) && v === 2),
      JSON.stringify(status),
    ).not.toEqual([]);
    expect(
      numbers.filter(([k, v]) => /ack/i.test(k) && /ok|acked/i.test(k) && v === 5),
      JSON.stringify(status),
    ).not.toEqual([]);
  });
});

/** Every numeric leaf as [dotted path, value]. */
function numericFields(x: unknown, path = ''): [string, number][] {
  if (typeof x === 'number') return [[path, x]];
  if (x === null || typeof x !== 'object') return [];
  return Object.entries(x).flatMap(([k, v]) => numericFields(v, path ? `${path}.${k}` : k));
}
