/**
 * pg's Pool and Client, loaded so that they work both in plain Node and under
 * vitest. Why not `import pg from 'pg'`: vitest hands its resolve conditions
 * (which include `import`) to the forked Node as `--conditions`, so the CJS
 * `require('pg-pool')` inside pg resolves to pg-pool's ESM build and throws
 * "Class extends value [object Module] is not a constructor". Importing
 * pg-pool (the package that *is* pg.Pool; installed with pg) and giving it
 * pg's Client class directly avoids that require.
 */
import type pg from 'pg';
// @ts-expect-error pg ships no types for this subpath; typed by the cast below.
import ClientImpl from 'pg/lib/client.js';
// @ts-expect-error pg-pool's types come with @types/pg as pg.Pool; typed by the cast below.
import PoolImpl from 'pg-pool';

export const PgClient = ClientImpl as typeof pg.Client;
const PoolClass = PoolImpl as new (config: pg.PoolConfig & { Client: typeof pg.Client }) => pg.Pool;

export function createPgPool(config: pg.PoolConfig): pg.Pool {
  return new PoolClass({ ...config, Client: PgClient });
}
