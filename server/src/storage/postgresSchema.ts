/**
 * PostgreSQL schema and migrations. Every node lives in its own schema
 * (default `syncline`), so several nodes can share one database. Migrations
 * run under the node's advisory lock, so concurrent servers migrate once.
 */
import type { PoolClient } from 'pg';

/** Quotes a schema name; only plain identifiers are accepted. */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
    throw new Error(`invalid PostgreSQL schema name "${schema}" (letters, digits, _; max 63)`);
  return `"${schema}"`;
}

function migrations(s: string): { version: number; sql: string }[] {
  return [
    {
      version: 1,
      sql: `
        CREATE TABLE ${s}.records (
          space text NOT NULL, tbl text NOT NULL, id text NOT NULL,
          state text NOT NULL,           -- canonical JSON of the merged RecordState
          seq bigint NOT NULL,
          PRIMARY KEY (space, tbl, id)
        );
        CREATE UNIQUE INDEX records_space_seq ON ${s}.records (space, seq);
        CREATE TABLE ${s}.doc_updates (
          seq bigint PRIMARY KEY,
          space text NOT NULL, doc text NOT NULL,
          update_bytes bytea NOT NULL,
          op_id text NOT NULL
        );
        CREATE INDEX doc_updates_space_seq ON ${s}.doc_updates (space, seq);
        CREATE TABLE ${s}.ops (
          log_seq bigint PRIMARY KEY,
          op_id text NOT NULL UNIQUE,
          op text NOT NULL               -- JSON (yjs bytes as base64), see opCodec.ts
        );
        CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE ${s}.counters (name text PRIMARY KEY, value bigint NOT NULL);
        INSERT INTO ${s}.counters (name, value) VALUES ('seq', 0);
      `,
    },
  ];
}

export const POSTGRES_SCHEMA_VERSION = 1;

/** Runs inside a transaction that already holds the node's advisory lock. */
export async function migratePostgres(client: PoolClient, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${s}.schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const { rows } = await client.query<{ v: number }>(`SELECT COALESCE(MAX(version), 0)::int AS v FROM ${s}.schema_version`);
  const current = rows[0]!.v;
  if (current > POSTGRES_SCHEMA_VERSION)
    throw new Error(`schema ${schema} is at version ${current}, newer than this server (${POSTGRES_SCHEMA_VERSION})`);
  for (const m of migrations(s)) {
    if (m.version <= current) continue;
    await client.query(m.sql);
    await client.query(`INSERT INTO ${s}.schema_version (version) VALUES ($1)`, [m.version]);
  }
}
