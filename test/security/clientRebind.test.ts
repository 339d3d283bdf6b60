/**
 * Client side of writer identity: a database whose outbox was written under
 * a random client id (before it ever had a token with a `sub`, as every
 * database made before identity binding) moves its pending writes to
 * `<subjectTag(sub)>-<device>` when it first connects with such a token, and
 * every one of them lands exactly once, none dropped or rejected.
 * Mutation that makes this fail: skip `bindClientId` in SyncEngine.run
 * (the server then refuses the handshake with IDENTITY_MISMATCH forever).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { subjectTag } from '@syncline/shared';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { nodeContents, openClient, waitFor, type Client } from '../client/realCluster.js';
import { SECRET, hsToken } from './support/tokens.js';

let srv: SpawnedServer | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await srv?.kill('SIGKILL');
});

describe('client id rebinding', () => {
  it('moves a pending outbox to the subject-bound client id without losing a write', async () => {
    const dataDir = tempDir('syncline-rebind-');
    srv = await spawnServer({ dataDir, args: ['--auth-secret', SECRET, '--ack', 'sync'] });
    let signedIn = false;
    const c = openClient([srv.url], {
      // No token yet: every connect is refused, the writes stay pending under the random id.
      getToken: async () => (signedIn ? hsToken({ sub: 'ada', spaces: { 'space-1': 'write' } }) : undefined),
    });
    client = c;
    for (let i = 0; i < 20; i++) await c.db.items.put({ id: `w${i}`, i });
    const before = await c.db.table('_outbox').toArray();
    expect(before).toHaveLength(20);
    const oldId = (before[0] as { opId: string }).opId.split(':')[0]!;
    expect(oldId.startsWith(subjectTag('ada'))).toBe(false);

    signedIn = true;
    await waitFor(() => c.sync.getStatus().pendingCount === 0, 20_000, 'outbox drained');
    expect(c.sync.getStatus()).toMatchObject({ pendingCount: 0, rejectedCount: 0 });
    const clientId = (await c.db.table('_meta').get('clientId')) as { value: string };
    expect(clientId.value).toBe(`${subjectTag('ada')}-${oldId}`);

    await srv.kill('SIGKILL');
    srv = undefined;
    const { opIds, records } = nodeContents(dataDir, 1);
    expect(records).toBe(20);
    expect(opIds.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `${clientId.value}:${i + 1}`).sort());
  });
});
