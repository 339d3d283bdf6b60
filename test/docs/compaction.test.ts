import { afterEach, describe, expect, it } from 'vitest';
import type { SpawnedServer } from '../helpers/spawnServer.js';
import { SqliteNode } from '@syncline/server';
import { compactDocs } from '../../server/src/docs/compactDocs.js';
import { startCluster, waitFor } from '../client/realCluster.js';
import { nodeDoc, openDocClient, type DocClient } from './docClients.js';

let servers: SpawnedServer[] = [];
let clients: DocClient[] = [];
afterEach(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  clients = [];
  servers = [];
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('server-side document compaction', () => {
  it('merges a doc into one row per node, keeps its content and the digests, and serves clients with old cursors', async () => {
    let dataDir: string;
    ({ servers, dataDir } = await startCluster(2));
    const a = await openDocClient([servers[0]!.url], { clientId: 'ann' });
    clients.push(a);
    const words = (from: number, to: number) => {
      for (let i = from; i < to; i++) a.note.doc.getText('t').insert(a.note.doc.getText('t').length, `w${i} `);
    };
    for (let i = 0; i < 10; i++) {
      words(i * 3, i * 3 + 3);
      await pause(15); // separate local rows, separate ops
    }
    await a.sync.flush({ timeoutMs: 10_000 });
    // C syncs the first part, then goes away with a cursor in the middle of the rows.
    const c = await openDocClient([servers[1]!.url], { clientId: 'cat' });
    await waitFor(() => c.text() === a.text(), 15_000, 'c caught up');
    const cName = c.name;
    await c.close();
    for (let i = 10; i < 20; i++) {
      words(i * 3, i * 3 + 3);
      await pause(15);
    }
    await a.sync.flush({ timeoutMs: 10_000 });
    const text = a.text();
    await waitFor(() => [1, 2, 3].every((n) => nodeDoc(dataDir, n as 1 | 2 | 3).text === text), 10_000, 'every node has the text');

    const nodes = await Promise.all([1, 2, 3].map((n) => SqliteNode.open({ id: `n${n}`, path: `${dataDir}/node${n}.db` })));
    try {
      const before = await Promise.all(nodes.map((n) => n.digest()));
      expect(new Set(before).size).toBe(1);
      const rowsBefore = nodeDoc(dataDir, 1).rows;
      expect(rowsBefore).toBeGreaterThan(5);
      for (const n of nodes) expect((await compactDocs(n, { minRows: 2 })).removedRows).toBeGreaterThan(0);
      for (const n of [1, 2, 3] as const) expect(nodeDoc(dataDir, n)).toEqual({ text, rows: 1 });
      const after = await Promise.all(nodes.map((n) => n.digest()));
      expect(after).toEqual(before);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }

    // A client with a cursor from before compaction gets the merged row; a fresh one gets everything.
    const c2 = await openDocClient([servers[1]!.url], { name: cName });
    const d = await openDocClient([servers[0]!.url], { clientId: 'dan' });
    clients.push(c2, d);
    await waitFor(() => c2.text() === text && d.text() === text, 15_000, 'old cursor and new client converge');
    a.note.doc.getText('t').insert(0, 'after ');
    await waitFor(() => c2.text() === `after ${text}` && d.text() === `after ${text}`, 15_000, 'edits after compaction flow');
  }, 90_000);
});
