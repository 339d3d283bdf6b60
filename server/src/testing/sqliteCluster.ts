/**
 * Test cluster: real SqliteNodes in a fresh temp folder, each wrapped in a
 * FaultyNode. `inner` reads bypass the faults, to inspect what a node holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHlc, type PutChange } from '@syncline/shared';
import { SqliteNode } from '../storage/SqliteNode.js';
import { FaultyNode } from './FaultyNode.js';

export interface SqliteCluster {
  dir: string;
  nodes: FaultyNode[];
  /** Adds one more (empty) node, not yet part of any replicator. */
  addNode(id: string): Promise<FaultyNode>;
  cleanup(): Promise<void>;
}

export async function sqliteCluster(count: number, prefix = 'n'): Promise<SqliteCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-repl-'));
  const all: FaultyNode[] = [];
  const addNode = async (id: string) => {
    const inner = new SqliteNode({ id, path: join(dir, `${id}.db`) });
    await inner.open();
    const node = new FaultyNode(inner);
    all.push(node);
    return node;
  };
  for (let i = 1; i <= count; i++) await addNode(`${prefix}${i}`);
  return {
    dir,
    nodes: all.slice(),
    addNode,
    async cleanup() {
      for (const n of all) {
        n.heal();
        await n.close().catch(() => {});
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let stampMs = 1_700_000_000_000;

/** Record puts with unique op ids `<client>:<counter>` on a few shared record ids (so merges matter). */
export function makeOps(client: string, from: number, count: number, space = 's1', records = 5): PutChange[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      kind: 'put' as const,
      opId: `${client}:${n}`,
      space,
      table: 'items',
      id: `r${n % records}`,
      hlc: encodeHlc({ ms: stampMs++, counter: 0, node: client }),
      fields: { v: n, by: client },
    };
  });
}
