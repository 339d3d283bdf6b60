import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startPgInstances, type PgInstance } from '../helpers/pgInstances.js';
import { Client, query } from './support/pgClient.js';

describe('startPgInstances', () => {
  let pgs: PgInstance[] = [];
  afterAll(async () => {
    await Promise.all(pgs.map((p) => p.dispose()));
  });

  it('starts, crashes, restarts and wipes separate PostgreSQL servers', async () => {
    const t0 = performance.now();
    pgs = await startPgInstances(3);
    console.log(`startPgInstances(3) took ${Math.round(performance.now() - t0)} ms`);

    expect(new Set(pgs.map((p) => p.port)).size).toBe(3);
    for (const p of pgs) {
      expect(p.port).not.toBe(5432);
      expect(p.url).toBe(`postgres://postgres@127.0.0.1:${p.port}/postgres`);
      const [row] = (await query(p.url, 'SHOW fsync')) as { fsync: string }[];
      expect(row?.fsync).toBe('on');
    }

    const [a, b] = pgs as [PgInstance, PgInstance];
    await query(a.url, 'CREATE TABLE t (x int); INSERT INTO t VALUES (42)');
    // Instances are separate clusters: b has no table t.
    await expect(query(b.url, 'SELECT * FROM t')).rejects.toThrow(/does not exist/);

    const held = new Client({ connectionString: a.url });
    held.on('error', () => undefined);
    await held.connect();
    const tStop = performance.now();
    await a.stop('immediate');
    console.log(`stop immediate took ${Math.round(performance.now() - tStop)} ms`);
    expect(a.running).toBe(false);
    await expect(held.query('SELECT 1')).rejects.toThrow();
    await expect(query(a.url, 'SELECT 1')).rejects.toThrow();

    const tStart = performance.now();
    await a.start();
    console.log(`restart (crash recovery) took ${Math.round(performance.now() - tStart)} ms`);
    // A committed row survives an immediate stop (fsync on, crash recovery).
    expect(await query(a.url, 'SELECT x FROM t')).toEqual([{ x: 42 }]);

    const tWipe = performance.now();
    await a.destroyData();
    console.log(`destroyData took ${Math.round(performance.now() - tWipe)} ms`);
    await expect(query(a.url, 'SELECT * FROM t')).rejects.toThrow(/does not exist/);

    const dir = a.dataDir;
    await a.dispose();
    expect(existsSync(dir)).toBe(false);
    await expect(query(a.url, 'SELECT 1')).rejects.toThrow();
  });
});
