/**
 * Baseline (a): the machine's write limit. The same records the write-path
 * workload pushes, written straight into three SQLite files with
 * better-sqlite3 (WAL, synchronous=FULL), one transaction per batch per file,
 * files one after another as a single-threaded writer would.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from '../lib/stats.js';
import { makeRecord } from '../lib/records.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';
import { CATCHUP_SHAPE, WRITE_SHAPE } from './writeShape.js';
import { fileBytes } from './writePath.js';

export function openRaw(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE records (space TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL,
    seq INTEGER NOT NULL, PRIMARY KEY (space, tbl, id)) WITHOUT ROWID`);
  return db;
}

/** Writes `total` records in batches of `batch`; returns records/s and per-batch latency (all three files). */
export function writeRaw(dir: string, total: number, batch: number): { rps: number; p50: number; p99: number; storageRatio: number } {
  const dbs = ['a', 'b', 'c'].map((n) => openRaw(join(dir, `${n}.db`)));
  const inserts = dbs.map((db) => db.prepare('INSERT OR REPLACE INTO records (space, tbl, id, state, seq) VALUES (?, ?, ?, ?, ?)'));
  const txs = dbs.map((db, k) =>
    db.transaction((rows: [string, string, string, string, number][]) => {
      for (const r of rows) inserts[k]!.run(...r);
    }),
  );
  const lat: number[] = [];
  let seq = 0;
  let jsonBytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < total; i += batch) {
    const rows: [string, string, string, string, number][] = [];
    for (let j = i; j < Math.min(total, i + batch); j++) {
      const rec = makeRecord(j, WRITE_SHAPE.bodyBytes);
      rows.push(['bench', 'items', rec.id, JSON.stringify({ fields: rec }), ++seq]);
      jsonBytes += Buffer.byteLength(JSON.stringify(rec));
    }
    const b0 = performance.now();
    for (const tx of txs) tx(rows);
    lat.push(performance.now() - b0);
  }
  const secs = (performance.now() - t0) / 1000;
  for (const db of dbs) db.close();
  const storageRatio = fileBytes(join(dir, 'a.db')) / jsonBytes;
  return { rps: total / secs, p50: percentile(lat, 50), p99: percentile(lat, 99), storageRatio };
}

export const rawSqlite: Workload = {
  name: 'raw-sqlite',
  describe: (quick) =>
    `${WRITE_SHAPE.total(quick)} records (${WRITE_SHAPE.bodyBytes} B body) in batches of ${WRITE_SHAPE.batch} into 3 SQLite files (WAL, synchronous=FULL), one transaction per batch per file; and the offline catch-up volume (${CATCHUP_SHAPE.total(quick)} in batches of ${CATCHUP_SHAPE.batch})`,
  async run(ctx: BenchContext): Promise<Metrics> {
    const r = writeRaw(ctx.dir, WRITE_SHAPE.total(ctx.quick), WRITE_SHAPE.batch);
    // The offline catch-up baseline: the queued writes in the client's push batch size.
    const catchupDir = join(ctx.dir, 'catchup');
    mkdirSync(catchupDir);
    const c = writeRaw(catchupDir, CATCHUP_SHAPE.total(ctx.quick), CATCHUP_SHAPE.batch);
    return {
      'raw.rps': r.rps,
      'raw.batch.p50': r.p50,
      'raw.batch.p99': r.p99,
      'raw.storage.ratio': r.storageRatio,
      'raw.catchup.ms': (CATCHUP_SHAPE.total(ctx.quick) / c.rps) * 1000,
    };
  },
};
