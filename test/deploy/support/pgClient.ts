/**
 * `pg.Client` for the deploy tests.
 *
 * Why not `import pg from 'pg'`: vitest hands `ssr.resolve.conditions`
 * (which include `import`) to the forked Node as `--conditions`, so the CJS
 * `require('pg-pool')` inside pg resolves to pg-pool's ESM build and
 * `import 'pg'` throws "Class extends value [object Module] is not a
 * constructor". The Client class alone does not touch pg-pool.
 */
import type pg from 'pg';
// @ts-expect-error pg ships no types for this subpath; typed through the cast below.
import ClientImpl from 'pg/lib/client.js';

export const Client = ClientImpl as typeof pg.Client;
export type Client = pg.Client;

/** Runs one query on a fresh connection and returns its rows. */
export async function query(url: string, sql: string): Promise<unknown[]> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}
