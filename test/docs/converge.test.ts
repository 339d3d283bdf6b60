import { afterEach, describe, expect, it } from 'vitest';
import type { SpawnedServer } from '../helpers/spawnServer.js';
import { startCluster, waitFor } from '../client/realCluster.js';
import { mulberry32, nodeDoc, openDocClient, typeWord, type DocClient } from './docClients.js';

let servers: SpawnedServer[] = [];
let clients: DocClient[] = [];
const OFFLINE = ['http://127.0.0.1:9']; // nothing listens there: the client stays offline

afterEach(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  clients = [];
  servers = [];
});

const seed = Number(process.env.SYNCLINE_SEED ?? Date.now() % 100_000);

describe('Yjs documents against real servers', () => {
  it('two clients on two servers type concurrently, one offline and reloaded in between, and converge', async () => {
    console.log(`doc converge seed ${seed}`);
    const rand = mulberry32(seed);
    let dataDir: string;
    ({ servers, dataDir } = await startCluster(2));
    const a = await openDocClient([servers[0]!.url], { clientId: 'ann' });
    const b = await openDocClient([servers[1]!.url], { clientId: 'bob' });
    clients.push(a, b);
    for (let i = 0; i < 20; i++) {
      typeWord(a, `a${i} `, rand);
      typeWord(b, `b${i} `, rand);
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    // A goes offline (reopened against no server), edits, "reloads" (reopens the same database), edits again.
    await a.close();
    clients = [b];
    let a2 = await openDocClient(OFFLINE, { name: a.name });
    typeWord(a2, 'offline-one ', rand);
    typeWord(b, 'online-bob ', rand);
    await a2.close();
    a2 = await openDocClient(OFFLINE, { name: a.name });
    expect(a2.text()).toContain('offline-one');
    typeWord(a2, 'offline-two ', rand);
    await a2.close();
    const a3 = await openDocClient([servers[0]!.url], { name: a.name });
    clients.push(a3);
    await waitFor(
      () => a3.text() === b.text() && b.text().includes('offline-two') && a3.text().includes('online-bob'),
      20_000,
      'converged',
    );
    const text = b.text();
    for (let i = 0; i < 20; i++) {
      expect(text).toContain(`a${i} `);
      expect(text).toContain(`b${i} `);
    }
    await a3.sync.flush({ timeoutMs: 10_000 });
    await b.sync.flush({ timeoutMs: 10_000 });
    // The servers' nodes hold the same document.
    await waitFor(() => nodeDoc(dataDir, 1).text === text && nodeDoc(dataDir, 3).text === text, 10_000, 'nodes hold the text');
  }, 90_000);

  it('N clients x M edits converge (timed)', async () => {
    const N = 4;
    const M = 50;
    const rand = mulberry32(seed + 1);
    ({ servers } = await startCluster(2));
    const cs: DocClient[] = [];
    for (let i = 0; i < N; i++) cs.push(await openDocClient([servers[i % 2]!.url], { clientId: `c${i}` }));
    clients.push(...cs);
    await waitFor(() => cs.every((c) => c.sync.getStatus().state === 'online'), 10_000, 'online');
    const t0 = performance.now();
    for (let m = 0; m < M; m++) {
      for (const [i, c] of cs.entries()) typeWord(c, `${i}.${m} `, rand);
      await new Promise((r) => setTimeout(r, 2));
    }
    const typed = performance.now();
    await waitFor(
      () => cs.every((c) => c.text() === cs[0]!.text()) && cs[0]!.text().split(' ').length - 1 === N * M,
      30_000,
      'all converge',
    ).catch(async (e) => {
      for (const c of cs)
        console.log(
          c.text().split(' ').length - 1,
          c.sync.getStatus(),
          await c.db.table('_outbox').count(),
          await c.db.table('_docs').count(),
        );
      throw e;
    });
    const done = performance.now();
    console.log(
      `docs: ${N} clients x ${M} edits on 2 servers converged ${Math.round(done - typed)} ms after the last edit (${Math.round(done - t0)} ms from the first)`,
    );
    expect(cs[0]!.text().split(' ').length - 1).toBe(N * M);
  }, 90_000);
});
