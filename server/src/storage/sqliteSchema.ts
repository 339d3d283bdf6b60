/**
 * SQLite schema and its migrations. `schema_version` lists the versions
 * applied; `migrateSqlite` runs the missing ones in one BEGIN IMMEDIATE
 * transaction, so two processes opening the same file at once migrate once.
 */
import type { Database } from 'better-sqlite3';

export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE records (
        space TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL,
        state TEXT NOT NULL,           -- canonical JSON of the merged RecordState
        seq INTEGER NOT NULL,
        PRIMARY KEY (space, tbl, id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX records_space_seq ON records (space, seq);
      CREATE TABLE doc_updates (
        seq INTEGER PRIMARY KEY,
        space TEXT NOT NULL, doc TEXT NOT NULL,
        update_bytes BLOB NOT NULL,
        op_id TEXT NOT NULL
      );
      CREATE INDEX doc_updates_space_seq ON doc_updates (space, seq);
      CREATE TABLE ops (
        log_seq INTEGER PRIMARY KEY,
        op_id TEXT NOT NULL UNIQUE,
        op TEXT NOT NULL               -- JSON (yjs bytes as base64), see opCodec.ts
      );
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO counters (name, value) VALUES ('seq', 0);
    `,
  },
  {
    // Storage amplification (issue 14): `records` WITHOUT ROWID kept ~1 KB
    // rows in an index b-tree, whose rows spill to overflow pages past ~1 KB
    // (74% of pages unused). Now a rowid table (rows up to ~4 KB stay inline)
    // with a unique key index; states may be stored compact (stateCodec.ts)
    // and an op may be elided into its record (`op` NULL, sqliteOpLog.ts).
    // Rows copied as they are: v1 states are canonical JSON, which parseState
    // still reads.
    version: 2,
    sql: `
      CREATE TABLE records_v2 (
        rid INTEGER PRIMARY KEY,
        space TEXT NOT NULL, tbl TEXT NOT NULL, id TEXT NOT NULL,
        state TEXT NOT NULL,           -- compact or canonical JSON of the merged RecordState (stateCodec.ts)
        seq INTEGER NOT NULL,
        op_seq INTEGER                 -- log_seq of the op elided into this row (sqliteOpLog.ts)
      );
      INSERT INTO records_v2 (space, tbl, id, state, seq) SELECT space, tbl, id, state, seq FROM records ORDER BY seq;
      DROP TABLE records;
      ALTER TABLE records_v2 RENAME TO records;
      CREATE UNIQUE INDEX records_key ON records (space, tbl, id);
      CREATE UNIQUE INDEX records_space_seq ON records (space, seq);
      CREATE TABLE ops_v2 (
        log_seq INTEGER PRIMARY KEY,
        op_id TEXT NOT NULL UNIQUE,
        op TEXT,                       -- JSON (yjs bytes as base64), see opCodec.ts; NULL when elided
        rid INTEGER                    -- the record an elided op is rebuilt from
      );
      INSERT INTO ops_v2 (log_seq, op_id, op) SELECT log_seq, op_id, op FROM ops;
      DROP TABLE ops;
      ALTER TABLE ops_v2 RENAME TO ops;
    `,
  },
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a node file to the current schema; returns the version it had (0 = new file).
 * A file that had data in v1 is VACUUMed after the upgrade: the copy leaves
 * the old tables' pages free in the file, and VACUUM gives them back.
 */
export function migrateSqlite(db: Database): number {
  const run = db.transaction((): number => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
    const row = db.prepare(`SELECT COALESCE(MAX(version), 0) AS v FROM schema_version`).get() as { v: number };
    if (row.v > SQLITE_SCHEMA_VERSION)
      throw new Error(
        `database schema version ${row.v} is newer than this server (${SQLITE_SCHEMA_VERSION}); run a server version that knows it, or restore a backup taken before the upgrade`,
      );
    for (const m of MIGRATIONS) {
      if (m.version <= row.v) continue;
      db.exec(m.sql);
      db.prepare(`INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`).run(m.version, new Date().toISOString());
    }
    return row.v;
  });
  const from = run.immediate();
  if (from === 1) db.exec('VACUUM');
  return from;
}
