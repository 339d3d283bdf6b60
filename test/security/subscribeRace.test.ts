/**
 * Issue 13 F9 against a real server process with HS256 auth: 300 concurrent
 * `subscribe` requests on one connection (one new space each) left it in
 * 351 rooms with a limit of 100, because every request passed the limit
 * check before any of them joined. Now spaces being authorized count
 * against the limit at once. Mutation that makes this fail: count only
 * joined rooms again in socket/subscribeHandlers.ts (drop `pending.size`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundClientId, type SubscribeReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';

let srv: SpawnedServer;
beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET, '--rate-limit', '0'] });
});
afterAll(async () => {
  await srv?.kill('SIGKILL');
});

describe('subscription limit', () => {
  it('holds under 300 concurrent subscribes', async () => {
    const s = await connectClient(srv.url, {
      clientId: boundClientId('sub', 'd'),
      token: await hsToken({ sub: 'sub', spaces: { '*': 'read' } }),
    });
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => request<SubscribeReply | { error: { code: string } }>(s, 'subscribe', { spaces: [`sp${i}`] })),
    );
    const accepted = replies.filter((r) => 'spaces' in r).length;
    expect(accepted).toBe(100);
    expect(replies.filter((r) => 'error' in r && r.error.code === 'INVALID_MESSAGE')).toHaveLength(200);
    const now = await request<SubscribeReply>(s, 'unsubscribe', { spaces: ['none'] });
    expect(now.spaces).toHaveLength(100);
    s.close();
  });
});
