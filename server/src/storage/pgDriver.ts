/**
 * The `pg` driver, loaded when a PostgreSQL node opens: `pg` is an optional
 * peer dependency (a SQLite-only install does not need it); missing, opening
 * a PostgreSQL node fails with a MissingDependencyError naming it.
 */
import type pg from 'pg';
import { importOptional } from '../optionalDependency.js';

let loaded: Promise<typeof pg> | undefined;

export function loadPg(): Promise<typeof pg> {
  loaded ??= importOptional<{ default: typeof pg }>('pg', 'a PostgreSQL storage node').then((m) => m.default);
  // A failed load is retried next time (the package may be installed meanwhile).
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

export async function createPgPool(config: pg.PoolConfig): Promise<pg.Pool> {
  const { Pool } = await loadPg();
  return new Pool(config);
}

export async function createPgClient(config: pg.ClientConfig): Promise<pg.Client> {
  const { Client } = await loadPg();
  return new Client(config);
}
