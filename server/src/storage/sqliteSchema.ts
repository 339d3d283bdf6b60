/**
 * SQLite schema and its migrations. `schema_version` lists the versions
 * applied; `migrateSqlite` runs the missing ones in one BEGIN IMMEDIATE
 * transaction, so two processes opening the same file at once migrate once.
 */
import type { Database } from 'better-sqlite3';

const MIGRATIONS: { version: number; sql: string }[] = [
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
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

export function migrateSqlite(db: Database): void {
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
    const row = db.prepare(`SELECT COALESCE(MAX(version), 0) AS v FROM schema_version`).get() as { v: number };
    if (row.v > SQLITE_SCHEMA_VERSION)
      throw new Error(`database schema version ${row.v} is newer than this server (${SQLITE_SCHEMA_VERSION})`);
    for (const m of MIGRATIONS) {
      if (m.version <= row.v) continue;
      db.exec(m.sql);
      db.prepare(`INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`).run(m.version, new Date().toISOString());
    }
  });
  run.immediate();
}
