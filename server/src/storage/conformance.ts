/**
 * The conformance suite every StorageNode implementation runs (like
 * automerge-repo's `runStorageAdapterTests`). A node's test file calls:
 *
 * ```ts
 * runStorageNodeConformance('SqliteNode', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'node-'));
 *   const path = join(dir, 'n.db');
 *   const fault = failPoint();
 *   const node = new SqliteNode({ id: 'n1', path, beforeCommit: fault.hook });
 *   return { node, reopen: async () => new SqliteNode({ id: 'n1', path }),
 *            failNextCommit: fault.arm,
 *            cleanup: async () => { await node.close(); await rm(dir, { recursive: true }); } };
 * });
 * ```
 *
 * `setup` returns a fresh, empty node (the suite calls `open()`); it may be
 * called several times in one test (digest tests need several nodes).
 * `reopen` opens a new node on the same storage, for the durability test.
 * Imports vitest, so it is for test files only (not re-exported by index.ts).
 */
import { afterEach, describe } from 'vitest';
import { applyTests } from './conformance/applyTests.js';
import { digestTests } from './conformance/digestTests.js';
import type { ConformanceContext, ConformanceSetup } from './conformance/fixtures.js';
import { miscTests } from './conformance/miscTests.js';
import { pullTests } from './conformance/pullTests.js';

export { failPoint, type ConformanceContext, type ConformanceSetup } from './conformance/fixtures.js';

export function runStorageNodeConformance(name: string, setup: ConformanceSetup): void {
  describe(`StorageNode conformance: ${name}`, () => {
    const live: ConformanceContext[] = [];
    const open = async (): Promise<ConformanceContext> => {
      const ctx = await setup();
      live.push(ctx);
      await ctx.node.open();
      return ctx;
    };
    afterEach(async () => {
      for (const ctx of live.splice(0)) await ctx.cleanup();
    });
    applyTests(open);
    pullTests(open);
    digestTests(open);
    miscTests(open);
  });
}
