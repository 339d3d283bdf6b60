import { afterEach, describe, expect, it } from 'vitest';
import type { SpawnedServer } from '../helpers/spawnServer.js';
import { startCluster, waitFor } from '../client/realCluster.js';
import { openDocClient, type DocClient } from './docClients.js';
import Database from 'better-sqlite3';

let servers: SpawnedServer[] = [];
let clients: DocClient[] = [];
afterEach(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  clients = [];
  servers = [];
});

function stored(dataDir: string): { ops: number; docRows: number } {
  const db = new Database(`${dataDir}/node1.db`, { readonly: true });
  try {
    const ops = (db.prepare('SELECT COUNT(*) AS c FROM ops').get() as { c: number }).c;
    const docRows = (db.prepare('SELECT COUNT(*) AS c FROM doc_updates').get() as { c: number }).c;
    return { ops, docRows };
  } finally {
    db.close();
  }
}

const names = (c: DocClient) =>
  [...c.note.awareness.getStates().values()]
    .map((s) => (s.user as { name?: string } | undefined)?.name ?? '?')
    .sort()
    .join(',');

describe('awareness (presence)', () => {
  it('reaches the other client through the server, is never stored, and is withdrawn when a client disconnects', async () => {
    let dataDir: string;
    ({ servers, dataDir } = await startCluster(1));
    const a = await openDocClient([servers[0]!.url], { clientId: 'ann' });
    const b = await openDocClient([servers[0]!.url], { clientId: 'bob' });
    clients.push(a, b);
    await waitFor(() => a.sync.getStatus().state === 'online' && b.sync.getStatus().state === 'online', 10_000, 'online');
    a.note.doc.getText('t').insert(0, 'x'); // one stored op, for comparison
    await waitFor(() => stored(dataDir).ops === 1, 10_000, 'the edit is stored');
    const base = stored(dataDir);
    await new Promise((r) => setTimeout(r, 300)); // subscriptions settled
    a.note.awareness.setLocalStateField('user', { name: 'Ann', cursor: 0 });
    b.note.awareness.setLocalStateField('user', { name: 'Bob' });
    await waitFor(() => names(a) === 'Ann,Bob' && names(b) === 'Ann,Bob', 10_000, 'each sees both');
    for (let i = 1; i <= 20; i++) a.note.awareness.setLocalStateField('user', { name: 'Ann', cursor: i });
    await waitFor(
      () => (b.note.awareness.getStates().get(a.note.doc.clientID)?.user as { cursor?: number })?.cursor === 20,
      10_000,
      'cursor moves',
    );
    expect(stored(dataDir)).toEqual(base);

    // A's connection ends without a goodbye: the server withdraws A's presence (long before the 30 s timeout).
    const t0 = Date.now();
    await a.sync.close();
    await waitFor(() => names(b) === 'Bob', 5000, 'b no longer sees ann');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(stored(dataDir)).toEqual(base);
  }, 60_000);
});
