/**
 * SQLite schema v2: compact states, ops elided into their records, and the
 * upgrade of v1 files. The model is a MemoryNode (canonical JSON, every op
 * stored in full) fed the same batches: pulls, op logs, duplicate stamps and
 * digests must match it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { encodeHlc, seededRandom, type Json } from '@syncline/shared';
import type { StorageNode, StoredOp } from './StorageNode.js';
import { MemoryNode } from './MemoryNode.js';
import { SqliteNode } from './SqliteNode.js';
import { MIGRATIONS } from './sqliteSchema.js';
import { encodeOp } from './opCodec.js';
import { stringifyState } from './stateCodec.js';
import { pullAll } from './conformance/fixtures.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-schema-'));
  dirs.push(dir);
  return join(dir, 'node.db');
}

/** Everything a node exposes, in a comparable form (op field order is not part of an op). */
async function view(node: StorageNode) {
  const log = await node.readOpLog(0, 1_000_000);
  return {
    records: (await pullAll(node, 's', 7)).records,
    log: log.ops.map((o) => o.op),
    digest: await node.digest(),
  };
}

function randomBatches(seed: number) {
  const rnd = seededRandom(seed);
  const batches: StoredOp[][] = [];
  let n = 0;
  for (let b = 0; b < 40; b++) {
    const batch: StoredOp[] = [];
    for (let i = rnd.int(1, 6); i > 0; i--) {
      n++;
      // Few ids and stamps that collide across clients: merges, ties, losers and re-stamps all happen.
      const hlc = encodeHlc({ ms: rnd.int(1, 60), counter: 0, node: rnd.pick(['a', 'b']) });
      const id = `r${rnd.int(1, 6)}`;
      const opId = rnd() < 0.1 && n > 1 ? `op${rnd.int(1, n - 1)}` : `op${n}`; // some re-sent op ids
      if (rnd() < 0.15) {
        batch.push({ kind: 'delete', opId, space: 's', table: 't', id, hlc });
        continue;
      }
      const fields: Record<string, Json> = {};
      for (const f of ['a', 'b', 'c', '__proto__']) if (rnd() < 0.5) fields[f] = rnd() < 0.3 ? { nested: [rnd.int(0, 3)] } : rnd.int(0, 3);
      const op: StoredOp = { kind: 'put', opId, space: 's', table: 't', id, hlc, fields };
      if (rnd() < 0.15) op.unset = [rnd.pick(['a', 'b', 'c'])];
      batch.push(op);
    }
    batches.push(batch);
  }
  return batches;
}

it('matches the model (MemoryNode) on seeded random batches: pulls, op log, duplicate stamps, digest', async () => {
  // Mutations checked: skipping the write-out of an elided op before its record changes, or eliding
  // an op whose fields differ from the state's fields with its stamp, makes the op logs differ.
  for (const seed of [1, 2, 3, 4, 5]) {
    console.log(`SYNCLINE_SEED=${seed}`);
    const sqlite = await SqliteNode.open({ id: 'n1', path: await tempPath() });
    const model = new MemoryNode('m');
    await model.open();
    try {
      for (const batch of randomBatches(seed)) {
        const got = await sqlite.applyBatch(batch);
        expect(got).toEqual(await model.applyBatch(batch));
      }
      expect(await view(sqlite)).toEqual(await view(model));
      const db = new Database(sqlite.path, { readonly: true });
      const elided = db.prepare('SELECT COUNT(*) FROM ops WHERE op IS NULL').pluck().get() as number;
      db.close();
      expect(elided).toBeGreaterThan(0);
    } finally {
      await sqlite.close();
    }
  }
});

it('stores a put once: the op row keeps its id, the record its values with one stamp', async () => {
  const sqlite = await SqliteNode.open({ id: 'n1', path: await tempPath() });
  const hlc = encodeHlc({ ms: 5, counter: 0, node: 'c' });
  const op: StoredOp = { kind: 'put', opId: 'c:1', space: 's', table: 't', id: 'x', hlc, fields: { title: 'hello', n: 1 } };
  await sqlite.applyBatch([op]);
  const db = new Database(sqlite.path, { readonly: true });
  expect(db.prepare('SELECT op FROM ops').pluck().get()).toBeNull();
  expect(db.prepare('SELECT state FROM records').pluck().get()).toBe(JSON.stringify([hlc, { title: 'hello', n: 1 }]));
  db.close();
  expect((await sqlite.readOpLog(0, 10)).ops[0]!.op).toEqual(op);
  // A re-sent op reports the stored stamp, also when elided.
  expect(await sqlite.applyBatch([{ ...op, hlc: encodeHlc({ ms: 9, counter: 0, node: 'c' }) }])).toEqual([
    { opId: 'c:1', status: 'duplicate', hlc },
  ]);
  await sqlite.close();
});

it('upgrades a v1 file in place: same pulls, op log and digest; later writes continue the seqs', async () => {
  const path = await tempPath();
  const model = new MemoryNode('m');
  await model.open();
  const batches = randomBatches(11);
  for (const b of batches.slice(0, 30)) await model.applyBatch(b);
  // A v1 file holding what the model holds, as a v1 server wrote it.
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
  db.exec(MIGRATIONS[0]!.sql);
  db.prepare(`INSERT INTO schema_version VALUES (1, 'then')`).run();
  const { records, lastSeq } = await pullAll(model, 's');
  for (const r of records)
    db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?)').run(r.space, r.table, r.id, stringifyState(r.state), r.seq);
  for (const o of (await model.readOpLog(0, 100_000)).ops)
    db.prepare('INSERT INTO ops VALUES (?, ?, ?)').run(o.logSeq, o.op.opId, encodeOp(o.op));
  db.prepare(`UPDATE counters SET value = ? WHERE name = 'seq'`).run(lastSeq);
  db.close();

  const sqlite = await SqliteNode.open({ id: 'n1', path });
  try {
    expect(await view(sqlite)).toEqual(await view(model));
    for (const b of batches.slice(30)) expect(await sqlite.applyBatch(b)).toEqual(await model.applyBatch(b));
    expect(await view(sqlite)).toEqual(await view(model));
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_version').pluck().all()).toEqual([1, 2]);
    check.close();
  } finally {
    await sqlite.close();
  }
});

it('refuses a file from a newer server with what to do', async () => {
  const path = await tempPath();
  await (await SqliteNode.open({ id: 'n1', path })).close();
  const db = new Database(path);
  db.prepare(`INSERT INTO schema_version VALUES (99, 'later')`).run();
  db.close();
  await expect(SqliteNode.open({ id: 'n1', path })).rejects.toThrow(
    /schema version 99 is newer than this server \(2\); run a server version that knows it/,
  );
});
