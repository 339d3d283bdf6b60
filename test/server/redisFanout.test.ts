/**
 * Fan-out through the Redis adapter between two server processes (the
 * seq watcher is off, so a poke or live `changes` can only come through
 * Redis), and a Redis outage costs latency only: pushes keep working, no
 * process dies, and deliveries flow again once Redis is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PushReply } from '@syncline/shared';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { startRedisInstance, type RedisInstance } from '../helpers/redisInstance.js';
import { connectClient, nextDelivery, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';

let servers: SpawnedServer[] = [];
let redis: RedisInstance | undefined;
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  servers = [];
  await redis?.dispose();
});

describe('Redis fan-out', () => {
  it('pokes across servers through Redis and survives a Redis outage', async () => {
    redis = await startRedisInstance();
    const dataDir = tempDir();
    const args = ['--redis', redis.url, '--poll-poke-ms', '0'];
    const a = await spawnServer({ args, dataDir });
    servers.push(a);
    const b = await spawnServer({ args, dataDir });
    servers.push(b);
    const onA = await connectClient(a.url, { clientId: 'ra' });
    const onB = await connectClient(b.url, { clientId: 'rb' });
    sockets.push(onA, onB);
    await request(onB, 'subscribe', { spaces: ['r'] });
    const maker = new ChangeMaker('ra');

    // The adapter subscribes asynchronously after start; retry the first poke briefly.
    let poked = false;
    for (let i = 0; i < 20 && !poked; i++) {
      const p = nextDelivery(onB, 'r', 500).then(
        () => true,
        () => false,
      );
      await request<PushReply>(onA, 'push', { changes: [maker.put('r', `warm${i}`, { i })] });
      poked = await p;
    }
    expect(poked).toBe(true);

    await redis.stop();
    const during = await request<PushReply>(onA, 'push', { changes: [maker.put('r', 'during', { v: 1 })] });
    expect(during.results[0]!.status).toBe('ok');
    await new Promise((r) => setTimeout(r, 500));
    expect(a.proc.exitCode).toBeNull();
    expect(b.proc.exitCode).toBeNull();

    await redis.start();
    let again = false;
    const until = Date.now() + 15_000;
    while (!again && Date.now() < until) {
      const p = nextDelivery(onB, 'r', 500).then(
        () => true,
        () => false,
      );
      await request<PushReply>(onA, 'push', { changes: [maker.put('r', maker.nextOpId(), { v: 2 })] });
      again = await p;
    }
    expect(again).toBe(true);
    expect(a.proc.exitCode).toBeNull();
    expect(b.proc.exitCode).toBeNull();
  });
});
