/**
 * What each b-tree of the SQLite node layout (server/src/storage/sqliteSchema.ts, v2) costs per
 * written record: the same rows as a SqliteNode's common write (a new record and its elided op
 * row) into one file, with one part of the layout left out or changed per variant, and the raw
 * baseline's one table. Statements only (no planning), so the differences are SQLite's own.
 *
 *   [N=60000] [C=1] [SYNC=OFF] [V=full,noOpIdx,…] node --import tsx test/bench/sqliteLayoutCost.ts
 *
 * C: writers whose op ids interleave (`<client>:<n>`; 16 writers' batches land in one group commit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const RECORDS = `CREATE TABLE records (rid INTEGER PRIMARY KEY, space TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL,
  state TEXT NOT NULL, seq INTEGER NOT NULL, op_seq INTEGER);`;
const KEY = `CREATE UNIQUE INDEX records_key ON records (space, tbl, id);`;
const SEQ = `CREATE UNIQUE INDEX records_space_seq ON records (space, seq);`;
const variants: Record<string, string> = {
  full: `${RECORDS} ${KEY} ${SEQ} CREATE TABLE ops (log_seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE, op TEXT, rid INTEGER);`,
  noOpIdx: `${RECORDS} ${KEY} ${SEQ} CREATE TABLE ops (log_seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL, op TEXT, rid INTEGER);`,
  noSeqIdx: `${RECORDS} ${KEY} CREATE TABLE ops (log_seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE, op TEXT, rid INTEGER);`,
  // op ids `<client>:<n>` as an integer pair (client numbered per file), a partial text index for other ids.
  pair: `${RECORDS} ${KEY} ${SEQ} CREATE TABLE ops (log_seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL, op TEXT, rid INTEGER, client INTEGER, n INTEGER);
    CREATE UNIQUE INDEX ops_key ON ops (client, n) WHERE client IS NOT NULL; CREATE UNIQUE INDEX ops_other ON ops (op_id) WHERE client IS NULL;`,
  raw: `CREATE TABLE records (space TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (space, tbl, id)) WITHOUT ROWID;`,
};
const total = Number(process.env.N ?? 60000);
const clients = Number(process.env.C ?? 1);
const sync = process.env.SYNC ?? 'OFF';
const batch = 100;
const body = 'x'.repeat(200);
const stamp = '001764870000000-000000-Vx3kq9Lw2PzT8mN4rB7c';
for (const name of (process.env.V ?? Object.keys(variants).join(',')).split(',')) {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-layout-'));
  const db = new Database(join(dir, 'node.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec(variants[name]!);
  const raw = name === 'raw';
  const insRecord = raw
    ? db.prepare(`INSERT INTO records (space, tbl, id, state, seq) VALUES (?, ?, ?, ?, ?)`)
    : db.prepare(`INSERT INTO records (space, tbl, id, state, seq, op_seq) VALUES (?, ?, ?, ?, ?, ?)`);
  const insOp = raw
    ? undefined
    : name === 'pair'
      ? db.prepare(`INSERT INTO ops (log_seq, op_id, op, rid, client, n) VALUES (?, ?, NULL, ?, ?, ?)`)
      : db.prepare(`INSERT INTO ops (log_seq, op_id, op, rid) VALUES (?, ?, NULL, ?)`);
  const write = db.transaction((from: number) => {
    for (let i = from; i < from + batch; i++) {
      const client = i % clients;
      const n = Math.floor(i / clients) + 1;
      const opId = `c${client}-Vx3kq9Lw2PzT8mN4rB7c:${n}`;
      if (raw) {
        insRecord.run('bench', 'items', `r${i}`, `{"fields":{"b":{"t":"${stamp}","v":"${body}"}}}`, i + 1);
        continue;
      }
      const rid = Number(insRecord.run('bench', 'items', `r${i}`, `["${stamp}",{"b":"${body}"}]`, i + 1, i + 1).lastInsertRowid);
      if (name === 'pair') insOp!.run(i + 1, opId, rid, client + 1, n);
      else insOp!.run(i + 1, opId, rid);
    }
  });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < total; i += batch) write.immediate(i);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  console.log(
    `${name.padEnd(8)} C=${clients} sync=${sync}: ${((ms * 1000) / total).toFixed(2)} µs per record wall, ${((cpu.user + cpu.system) / total).toFixed(2)} µs CPU`,
  );
  db.close();
  rmSync(dir, { recursive: true });
}
