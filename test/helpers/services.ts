/**
 * Addresses of the PostgreSQL and Redis the tests use: PGHOST/PGPORT/PGUSER
 * (default 127.0.0.1:5432, postgres, trust auth) and REDIS_URL (default
 * redis://127.0.0.1:6379). When nothing answers there, the vitest global
 * setup (test/globalSetup.ts) starts throwaway instances and points these
 * variables at them. Fault tests start their own (pgInstances.ts, redisInstance.ts).
 */
export { postgresUrl } from '../../server/src/storage/testing/postgresTestDb.js';

export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}
