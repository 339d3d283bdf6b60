/**
 * Footprint at size: N records (default 102,400) written through a server
 * child on three SQLite nodes by 16 writers, then one node file's size ÷ the
 * records' JSON; the raw 3-file SQLite baseline (same records, plain JSON
 * rows) measured in the same run.
 *
 *   node --conditions=@syncline/source --import tsx test/bench/storageSize.ts [--records 102400] [--mode semi-sync]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AckMode } from '@syncline/shared';
import { startSyncline } from './lib/syncline.js';
import { fileBytes, measure } from './workloads/writePath.js';
import { writeRaw } from './workloads/rawSqlite.js';
import { WRITE_SHAPE } from './workloads/writeShape.js';

const { values } = parseArgs({ options: { records: { type: 'string' }, mode: { type: 'string' } } });
const records = Number(values.records ?? 102_400);
const mode = (values.mode ?? 'semi-sync') as AckMode;
const dir = mkdtempSync(join(tmpdir(), 'syncline-size-'));
try {
  const rawDir = join(dir, 'raw');
  mkdirSync(rawDir);
  const raw = writeRaw(rawDir, records, WRITE_SHAPE.batch);
  const srv = await startSyncline(dir, mode);
  let r;
  try {
    r = await measure(srv.url, mode, 16, records, 'size');
  } finally {
    await srv.stop();
  }
  const bytes = fileBytes(join(dir, 'a.db'));
  console.log(`${records} records (${WRITE_SHAPE.bodyBytes} B body), ${mode}, 16 writers: ${r.rps.toFixed(0)} records/s`);
  console.log(
    `node file ${(bytes / 1e6).toFixed(1)} MB for ${(r.jsonBytes / 1e6).toFixed(1)} MB of record JSON: ${(bytes / r.jsonBytes).toFixed(2)}× (raw 3-file SQLite file: ${raw.storageRatio.toFixed(2)}×)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
