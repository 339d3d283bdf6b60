/**
 * A throwaway PostgreSQL database for one test file: created through the
 * `postgres` maintenance database as `syncline_test_<random>`, dropped after.
 * Host, port and user come from PGHOST/PGPORT/PGUSER (default
 * 127.0.0.1:5432, postgres; trust auth).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createPgClient } from '../pgDriver.js';

export function postgresUrl(database: string): string {
  const host = process.env.PGHOST ?? '127.0.0.1';
  const port = process.env.PGPORT ?? '5432';
  const user = process.env.PGUSER ?? 'postgres';
  const password = process.env.PGPASSWORD ? `:${encodeURIComponent(process.env.PGPASSWORD)}` : '';
  return `postgres://${encodeURIComponent(user)}${password}@${host}:${port}/${database}`;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await createPgClient({ connectionString: postgresUrl('postgres'), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `syncline_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: postgresUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
