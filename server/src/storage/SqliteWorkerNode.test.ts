import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runStorageNodeConformance } from './conformance.js';
import { put } from './conformance/fixtures.js';
import { SqliteWorkerNode } from './SqliteWorkerNode.js';

runStorageNodeConformance('SqliteWorkerNode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-sqlitew-'));
  const path = join(dir, 'node.db');
  const nodes = [new SqliteWorkerNode({ id: 'n1', path })];
  return {
    node: nodes[0]!,
    failNextCommit: () => void nodes[0]!.failNextCommit(),
    reopen: async () => {
      const node = new SqliteWorkerNode({ id: 'n1', path });
      nodes.push(node);
      return node;
    },
    cleanup: async () => {
      for (const n of nodes) await n.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

it('a killed worker fails its calls as STORAGE_ERROR; ping starts a new one on the same file, with every commit kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-sqlitew-'));
  const node = await SqliteWorkerNode.open({ id: 'n1', path: join(dir, 'node.db') });
  try {
    const first = [put('a', 1, { v: 1 }), put('b', 2, { v: 2 })];
    await node.applyBatch(first);
    const inFlight = node.applyBatch([put('c', 3, { v: 3 })]);
    await node.killWorker();
    // Mutation checked: resolving pending calls on exit (instead of failing them) makes the in-flight call resolve: fails here.
    await expect(inFlight).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await expect(node.opCount()).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await node.ping();
    expect(node.workerExits).toBe(1);
    expect(await node.hasOps(first.map((o) => o.opId))).toEqual(new Set(first.map((o) => o.opId)));
    // The file is writable again (no lock left behind by the dead thread's connection).
    await node.applyBatch([put('d', 4, { v: 4 })]);
  } finally {
    await node.close();
    await rm(dir, { recursive: true, force: true });
  }
});
