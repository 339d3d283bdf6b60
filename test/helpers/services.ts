/**
 * Addresses of the PostgreSQL and Redis the tests use: PGHOST/PGPORT/PGUSER
 * (default 127.0.0.1:5432, postgres, trust auth) and REDIS_URL (default
 * redis://127.0.0.1:6379). When nothing answers there, the vitest global
 * setup (test/globalSetup.ts) starts throwaway instances and points these
 * variables at them. Fault tests start their own (pgInstances.ts, redisInstance.ts).
 */
export function postgresUrl(database: string): string {
  const host = process.env.PGHOST ?? '127.0.0.1';
  const port = process.env.PGPORT ?? '5432';
  const user = process.env.PGUSER ?? 'postgres';
  const password = process.env.PGPASSWORD ? `:${encodeURIComponent(process.env.PGPASSWORD)}` : '';
  return `postgres://${encodeURIComponent(user)}${password}@${host}:${port}/${database}`;
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}
