/**
 * Checks nodes from outside the servers: opens every node spec the servers
 * were given (`postgres://…` or `sqlite:PATH`) with its own connection and
 * compares digests, so a server reporting wrongly about its nodes cannot
 * make a test pass.
 */
import { expect } from 'vitest';
import type { StorageNode } from '@syncline/server';
import { openNode } from './openNode.js';
import { sleep } from './WriteLoop.js';

export async function withNodes<T>(specs: string[], fn: (nodes: StorageNode[]) => Promise<T>): Promise<T> {
  const nodes = await Promise.all(specs.map((s, i) => openNode(s, i)));
  try {
    return await fn(nodes);
  } finally {
    await Promise.all(nodes.map((n) => n.close().catch(() => undefined)));
  }
}

/** Every record id of one space on one node. */
export async function recordIds(node: StorageNode, space: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let after = 0; ;) {
    const page = await node.pull(space, after, 1000);
    for (const r of page.records) ids.add(r.id);
    after = page.lastSeq;
    if (!page.hasMore) return ids;
  }
}

/**
 * Waits (bounded) until every node has the same digest, then checks that
 * every acked record id is on every node. Returns how long convergence took.
 */
export async function expectNodesConverged(specs: string[], acked: string[], space: string, timeoutMs = 20_000): Promise<number> {
  const t0 = performance.now();
  let last: string;
  for (;;) {
    try {
      const digests = await withNodes(specs, (nodes) => Promise.all(nodes.map((n) => n.digest())));
      if (new Set(digests).size === 1) break;
      const counts = await withNodes(specs, (nodes) => Promise.all(nodes.map((n) => n.opCount())));
      last = `digests ${JSON.stringify(digests)}, op counts ${counts}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (performance.now() - t0 > timeoutMs) expect.fail(`nodes did not converge in ${timeoutMs} ms: ${last}`);
    await sleep(250);
  }
  const took = performance.now() - t0;
  await withNodes(specs, async (nodes) => {
    for (const [i, n] of nodes.entries()) {
      const have = await recordIds(n, space);
      const lost = acked.filter((id) => !have.has(id));
      expect(lost, `acked writes missing on node ${i + 1} (${specs[i]})`).toEqual([]);
    }
  });
  return took;
}
