import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisInstance, type RedisInstance } from '../helpers/redisInstance.js';

function client(url: string): Redis {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  return r;
}

describe('startRedisInstance', () => {
  let redis: RedisInstance | undefined;
  afterAll(async () => {
    await redis?.dispose();
  });

  it('runs a private, non-persistent redis that can be restarted on its port', async () => {
    const t0 = performance.now();
    redis = await startRedisInstance();
    console.log(`startRedisInstance took ${Math.round(performance.now() - t0)} ms`);
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);

    const a = client(redis.url);
    await a.connect();
    await a.set('k', 'v');
    expect(await a.get('k')).toBe('v');

    await redis.restart();
    expect(redis.running).toBe(true);
    // The old connection died with the server; a new one sees an empty Redis.
    await expect(a.get('k')).rejects.toThrow();
    const b = client(redis.url);
    await b.connect();
    expect(await b.get('k')).toBeNull();
    b.disconnect();

    await redis.stop();
    expect(redis.running).toBe(false);
    await expect(client(redis.url).connect()).rejects.toThrow();

    await redis.start();
    const c = client(redis.url);
    await c.connect();
    expect(await c.ping()).toBe('PONG');
    c.disconnect();
    a.disconnect();
  });
});
