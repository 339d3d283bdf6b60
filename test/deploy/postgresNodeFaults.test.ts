/**
 * PostgresNode against a PostgreSQL server that dies under load (stop in
 * immediate mode while transactions are open): every call must fail as a
 * rejected promise, nothing may escape as an uncaught exception (in a server
 * process that is a crash), and the node works again once the server is back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startPgInstances, type PgInstance } from '../helpers/pgInstances.js';
import { ChangeMaker } from '../helpers/changes.js';
import { createNode } from '@syncline/server';
import { sleep } from './support/WriteLoop.js';

describe('PostgresNode when its PostgreSQL server dies', () => {
  let pgs: PgInstance[] = [];
  afterAll(async () => {
    await Promise.all(pgs.map((p) => p.dispose()));
  });

  it('fails calls, never throws an uncaught error, and recovers after restart', async () => {
    pgs = await startPgInstances(1);
    const pg = pgs[0]!;
    const node = createNode(`${pg.url}#faulty`);
    await node.open();
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const maker = new ChangeMaker('pgf');
      let running = true;
      let failures = 0;
      // Several writers, so connections are checked out (mid-transaction) when the server dies.
      const writers = Array.from({ length: 4 }, async () => {
        while (running) {
          const ops = Array.from({ length: 50 }, (_, i) => maker.put('s', `r${i}`, { v: maker.nextOpId() }));
          await node.applyBatch(ops).catch(() => failures++);
        }
      });
      await sleep(300);
      await pg.stop('immediate');
      await sleep(500);
      running = false;
      await Promise.all(writers);
      expect(failures).toBeGreaterThan(0);
      expect(uncaught.map(String)).toEqual([]);

      await pg.start();
      let ok = false;
      for (let i = 0; i < 20 && !ok; i++) {
        ok = await node.applyBatch([maker.put('s', 'after', { v: i })]).then(
          () => true,
          () => false,
        );
        if (!ok) await sleep(200);
      }
      expect(ok).toBe(true);
      expect(uncaught.map(String)).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await node.close().catch(() => undefined);
    }
  });
});
