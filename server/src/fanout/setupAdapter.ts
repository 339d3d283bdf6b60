/**
 * Cross-server fan-out of pokes/awareness through a Socket.IO adapter.
 *
 * - `none`: rooms are local to this process (the seq watcher, PollPoker,
 *   covers writes made by other processes).
 * - `cluster`: `@socket.io/cluster-adapter`; only works in a node:cluster
 *   worker whose primary called `setupPrimary()` with `serialization:
 *   'advanced'` (binary awareness/Yjs payloads). `syncline-server
 *   --processes N` (cluster/ClusterPrimary.ts, the `npm start` default)
 *   sets that up; separately started processes need Redis or the watcher.
 * - `{ redis: url }`: `@socket.io/redis-adapter` over ioredis. ioredis
 *   reconnects by itself; a Redis outage must cost latency only, so every
 *   client error is logged and publish rejections are caught here (the
 *   adapter does not handle them, and an unhandled rejection kills Node).
 */
import cluster from 'node:cluster';
import type { SynclineIo as Server } from '../socket/ioTypes.js';
import type { Logger } from 'pino';
import type { Redis, RedisOptions } from 'ioredis';
import type { createAdapter as CreateRedisAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import type { AdapterOption } from '../options.js';
import { requireOptional } from '../optionalDependency.js';

// Optional peer dependencies, loaded only for `{ redis }` (both are CommonJS: a
// synchronous require keeps server construction synchronous).
const FEATURE = 'the Redis adapter (--redis)';
type RedisCtor = new (url: string, options: RedisOptions) => Redis;
const loadRedis = () => requireOptional<{ Redis: RedisCtor }>('ioredis', FEATURE).Redis;
const loadRedisAdapter = () =>
  requireOptional<{ createAdapter: typeof CreateRedisAdapter }>('@socket.io/redis-adapter', FEATURE).createAdapter;

export interface AdapterHandle {
  kind: 'none' | 'cluster' | 'redis';
  close(): Promise<void>;
}

export function setupAdapter(io: Server, option: AdapterOption, logger: Logger): AdapterHandle {
  if (option === 'none') return { kind: 'none', close: async () => {} };
  if (option === 'cluster') {
    if (!cluster.isWorker) throw new Error("adapter 'cluster' needs a node:cluster worker (primary must call setupPrimary())");
    io.adapter(createClusterAdapter());
    return { kind: 'cluster', close: async () => {} };
  }
  const createRedisAdapter = loadRedisAdapter();
  const pub = redisClient(option.redis, 'pub', logger);
  const sub = pub.duplicate();
  sub.on('error', (err: Error) => logger.warn({ err: err.message, role: 'sub' }, 'redis error (fan-out degraded to polling)'));
  io.adapter(createRedisAdapter(pub, sub));
  return {
    kind: 'redis',
    close: async () => {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

function redisClient(url: string, role: string, logger: Logger): Redis {
  const Redis = loadRedis();
  const client = new Redis(url, {
    // Bound how long a poke waits in the offline queue during an outage.
    maxRetriesPerRequest: 3,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  client.on('error', (err: Error) => logger.warn({ err: err.message, role }, 'redis error (fan-out degraded to polling)'));
  const publish = client.publish.bind(client) as (...args: unknown[]) => Promise<number>;
  (client as unknown as { publish: (...args: unknown[]) => Promise<number> }).publish = (...args: unknown[]) => {
    const p = publish(...args);
    p.catch((err: Error) => logger.debug({ err: err.message }, 'redis publish failed; poke lost'));
    return p;
  };
  return client;
}
