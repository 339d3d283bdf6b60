/**
 * `npm test` sets itself up: when no PostgreSQL answers on PGHOST:PGPORT
 * (default 127.0.0.1:5432) or no Redis on REDIS_URL (default
 * redis://127.0.0.1:6379), a throwaway instance is started from the installed
 * Debian binaries (postgresql, redis-server; test/helpers/pgInstances.ts,
 * redisInstance.ts) on a free port, the variables are pointed at it for the
 * test workers, and it is stopped after the run. Services that answer are
 * used as they are (and never stopped).
 */
import { createConnection } from 'node:net';
import { startPgInstances, type PgInstance } from './helpers/pgInstances.js';
import { startRedisInstance, type RedisInstance } from './helpers/redisInstance.js';

function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  const started: (PgInstance | RedisInstance)[] = [];
  const pgHost = process.env.PGHOST ?? '127.0.0.1';
  const pgPort = Number(process.env.PGPORT ?? 5432);
  if (!(await answers(pgHost, pgPort))) {
    const [pg] = await startPgInstances(1);
    started.push(pg!);
    process.env.PGHOST = '127.0.0.1';
    process.env.PGPORT = String(pg!.port);
    process.env.PGUSER = 'postgres';
    // test/server/postgresNodes.test.ts uses a database named `test`, as on a developer's server.
    const { default: pgLib } = await import('pg');
    const client = new pgLib.Client({ connectionString: pg!.url });
    await client.connect();
    await client.query('CREATE DATABASE test');
    await client.end();
    console.log(`[globalSetup] no PostgreSQL on ${pgHost}:${pgPort}: started one on 127.0.0.1:${pg!.port}`);
  }
  const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!(await answers(redis.hostname, Number(redis.port || 6379)))) {
    const r = await startRedisInstance();
    started.push(r);
    process.env.REDIS_URL = r.url;
    console.log(`[globalSetup] no Redis on ${redis.host}: started one at ${r.url}`);
  }
  return async () => {
    for (const s of started) await s.dispose();
  };
}
