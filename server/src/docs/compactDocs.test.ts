import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { StorageNode } from '../storage/StorageNode.js';
import { MemoryNode } from '../storage/MemoryNode.js';
import { PostgresNode } from '../storage/PostgresNode.js';
import { SqliteNode } from '../storage/SqliteNode.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/postgresTestDb.js';
import { compactDocs } from './compactDocs.js';

let pg: TestDatabase;
beforeAll(async () => {
  pg = await createTestDatabase();
});
afterAll(async () => {
  await pg?.drop();
});

const kinds: [string, () => Promise<StorageNode>][] = [
  ['memory', async () => new MemoryNode('m')],
  ['sqlite', async () => new SqliteNode({ id: 's', path: join(mkdtempSync(join(tmpdir(), 'compact-')), 'n.db') })],
  ['postgres', async () => new PostgresNode({ id: 'p', connectionString: pg.url, schema: `compact_${process.pid}_${Date.now()}` })],
];

function textOf(updates: Uint8Array[]): string {
  const d = new Y.Doc();
  for (const u of updates) Y.applyUpdate(d, u);
  return d.getText('t').toString();
}

describe.each(kinds)('compactDocs on a %s node', (_name, make) => {
  it('merges a doc into one row at its highest seq; other docs, seqs and the digest stay; a throwing merge changes nothing', async () => {
    const node = await make();
    await node.open();
    try {
      const doc = new Y.Doc();
      const ops = [];
      for (let i = 0; i < 6; i++) {
        const sv = Y.encodeStateVector(doc);
        doc.getText('t').insert(doc.getText('t').length, `w${i} `);
        ops.push({ kind: 'yjs' as const, opId: `c:${i + 1}`, space: 's', doc: 'note', update: Y.encodeStateAsUpdate(doc, sv) });
      }
      const other = new Y.Doc();
      other.getText('t').insert(0, 'other');
      ops.push({ kind: 'yjs' as const, opId: 'c:7', space: 's', doc: 'other', update: Y.encodeStateAsUpdate(other) });
      await node.applyBatch(ops.slice(0, 3));
      const mid = (await node.pull('s', 0, 100)).lastSeq; // a client's cursor before compaction
      await node.applyBatch(ops.slice(3));
      const digest = await node.digest();
      const before = await node.pull('s', 0, 100);

      const boom = await node.compactDoc!('s', 'note', () => {
        throw new Error('merge failed');
      }).catch((e: unknown) => e);
      expect(boom).toBeInstanceOf(Error);
      expect((await node.pull('s', 0, 100)).docs).toHaveLength(7);

      expect(await compactDocs(node, { minRows: 2 })).toEqual({ docs: 1, removedRows: 5 });
      const after = await node.pull('s', 0, 100);
      const notes = after.docs.filter((d) => d.doc === 'note');
      expect(notes).toHaveLength(1);
      expect(notes[0]!.seq).toBe(Math.max(...before.docs.filter((d) => d.doc === 'note').map((d) => d.seq)));
      expect(textOf(notes.map((d) => d.update))).toBe(doc.getText('t').toString());
      expect(after.docs.find((d) => d.doc === 'other')?.update).toEqual(before.docs.find((d) => d.doc === 'other')?.update);
      expect(await node.digest()).toBe(digest);
      // A cursor from before compaction still gets the whole document.
      const since = await node.pull('s', mid, 100);
      expect(textOf(since.docs.filter((d) => d.doc === 'note').map((d) => d.update))).toBe(doc.getText('t').toString());
      // Nothing left to compact.
      expect(await compactDocs(node, { minRows: 2 })).toEqual({ docs: 0, removedRows: 0 });
    } finally {
      await node.close();
    }
  });
});
