/**
 * The client's `getToken` callback: tokens that live 2 s expire several
 * times mid-session while the app keeps writing; the server disconnects
 * each expired connection with UNAUTHORIZED, the client asks for a fresh
 * token and reconnects, and every pending write lands exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { nodeContents, openClient, waitFor, type Client } from '../client/realCluster.js';
import { SECRET, hsToken } from './support/tokens.js';
import { sleep } from './support/connect.js';

let srv: SpawnedServer | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await srv?.kill('SIGKILL');
});

describe('token refresh', () => {
  it('refreshes an expiring token and loses or duplicates no pending write', async () => {
    const dataDir = tempDir('syncline-refresh-');
    srv = await spawnServer({ dataDir, args: ['--auth-secret', SECRET, '--auth-clock-tolerance-s', '0', '--ack', 'sync'] });
    let issued = 0;
    const c = openClient([srv.url], {
      getToken: async () => {
        issued += 1;
        return hsToken({ sub: 'refresher', spaces: { 'space-1': 'write' } }, { ttlSec: 2 });
      },
    });
    client = c;
    const ids: string[] = [];
    const started = Date.now();
    for (let i = 0; Date.now() - started < 6000; i++) {
      const id = `w${String(i).padStart(4, '0')}`;
      await c.db.items.put({ id, i });
      ids.push(id);
      await sleep(15);
    }
    await c.sync.flush({ timeoutMs: 20_000 });
    await waitFor(() => c.sync.getStatus().pendingCount === 0, 20_000, 'outbox drained');
    expect(issued).toBeGreaterThanOrEqual(3); // the first token and at least two refreshes
    expect(c.sync.getStatus()).toMatchObject({ pendingCount: 0, rejectedCount: 0 });

    await srv.kill('SIGKILL');
    srv = undefined;
    for (const node of [1, 2, 3] as const) {
      const { opIds, records } = nodeContents(dataDir, node);
      expect(records, `node ${node}`).toBe(ids.length);
      expect(opIds.length, `node ${node}: one op per write`).toBe(ids.length);
      expect(new Set(opIds).size).toBe(ids.length);
    }
  });
});
