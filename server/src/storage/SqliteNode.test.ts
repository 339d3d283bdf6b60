import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { failPoint, runStorageNodeConformance } from './conformance.js';
import { SqliteNode } from './SqliteNode.js';
import { decodeOp } from './opCodec.js';
import type { StoredOp } from './StorageNode.js';

runStorageNodeConformance('SqliteNode', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-sqlite-'));
  const path = join(dir, 'node.db');
  const fault = failPoint();
  const nodes = [new SqliteNode({ id: 'n1', path, beforeCommit: fault.hook })];
  return {
    node: nodes[0]!,
    failNextCommit: fault.arm,
    reopen: async () => {
      const node = new SqliteNode({ id: 'n1', path });
      nodes.push(node);
      return node;
    },
    cleanup: async () => {
      for (const n of nodes) await n.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

it('SqliteNode opens WAL with synchronous=FULL and records its schema version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-sqlite-'));
  try {
    const path = join(dir, 'sub', 'node.db');
    const node = await SqliteNode.open({ id: 'n1', path });
    await node.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_version').pluck().all()).toEqual([1, 2]);
    db.close();
    // synchronous is per connection: check on a node's own connection.
    const again = await SqliteNode.open({ id: 'n1', path });
    expect((again as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
    await again.close();
    await expect(again.ping()).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// Issue 14: a repair pass over a long log awaited page after page of synchronous reads and held
// the event loop for seconds (clients' heartbeats timed out). Mutation checked: without the
// setImmediate in readOpLog, the timer below never fires during the scan.
it('SqliteNode.readOpLog lets the event loop turn between pages', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-sqlite-'));
  const node = await SqliteNode.open({ id: 'n1', path: join(dir, 'node.db') });
  try {
    const hlc = '001764870000000-000000-c1';
    await node.applyBatch(
      Array.from({ length: 20 }, (_, i) => ({
        kind: 'put' as const,
        opId: `c1:${i + 1}`,
        space: 's',
        table: 't',
        id: `r${i}`,
        hlc,
        fields: { i },
      })),
    );
    // A check-phase callback queued before each page runs only if the read gives the loop a turn
    // (a timer would not do: the whole read can finish within its 1 ms minimum, so it was flaky).
    let turns = 0;
    let pages = 0;
    let after = 0;
    for (;;) {
      globalThis.setImmediate(() => turns++);
      const page = await node.readOpLog(after, 2);
      pages++;
      after = page.lastLogSeq;
      if (!page.hasMore) break;
    }
    expect(turns).toBe(pages);
  } finally {
    await node.close();
    await rm(dir, { recursive: true, force: true });
  }
});

// Issue 14: readOpLog builds elided ops from their records' states directly (no JSON round trip).
// Mutation checked: building them with the record's id as op id, or without their fields, fails here.
it('SqliteNode.readOpLog gives back every op as written, elided or not, and as the text form decodes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-sqlite-'));
  const node = await SqliteNode.open({ id: 'n1', path: join(dir, 'node.db') });
  try {
    const t = (n: number) => `00176487000000${n}-000000-c1`;
    const ops: StoredOp[] = [
      { kind: 'put', opId: 'c1:1', space: 's', table: 't', id: 'a', hlc: t(1), fields: { x: 1, y: { z: [true, null] } } }, // elided, written out by c1:4
      { kind: 'put', opId: 'c1:2', space: 's', table: 't', id: 'b', hlc: t(2), fields: { x: 'v' } }, // elided, written out by c1:3
      { kind: 'put', opId: 'c1:3', space: 's', table: 't', id: 'b', hlc: t(3), fields: { w: 2 }, unset: ['x'] },
      { kind: 'delete', opId: 'c1:4', space: 's', table: 't', id: 'a', hlc: t(4) },
      { kind: 'put', opId: 'c1:5', space: 's', table: 't', id: 'c', hlc: t(5), fields: { q: 'r', n: { m: 1 } } }, // elided, stays so
    ];
    for (const op of ops) await node.applyBatch([op]);
    const page = await node.readOpLog(0, 10);
    expect(page.ops.map((o) => o.op)).toEqual(ops);
    expect(page.ops.map((o) => decodeOp(JSON.stringify(o.op)))).toEqual(node.readOpLogText(0, 10).ops.map((o) => decodeOp(o.op)));
  } finally {
    await node.close();
    await rm(dir, { recursive: true, force: true });
  }
});
