/** The prepared statements of a SqliteNode (all parameterized). */
import type Database from 'better-sqlite3';

type Statement = Database.Statement<unknown[]>;

export function prepareSqlite(db: Database.Database) {
  const p = (sql: string): Statement => db.prepare<unknown[]>(sql);
  const statements = {
    getSeq: p(`SELECT value FROM counters WHERE name = 'seq'`),
    setSeq: p(`UPDATE counters SET value = ? WHERE name = 'seq'`),
    maxLogSeq: p(`SELECT COALESCE(MAX(log_seq), 0) AS v FROM ops`),
    hasOp: p(`SELECT 1 FROM ops WHERE op_id = ?`),
    opHlc: p(`SELECT json_extract(op, '$.hlc') AS hlc FROM ops WHERE op_id = ?`),
    getState: p(`SELECT state FROM records WHERE space = ? AND tbl = ? AND id = ?`),
    upsertRecord: p(
      `INSERT INTO records (space, tbl, id, state, seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (space, tbl, id) DO UPDATE SET state = excluded.state, seq = excluded.seq`,
    ),
    insertDoc: p(`INSERT INTO doc_updates (seq, space, doc, update_bytes, op_id) VALUES (?, ?, ?, ?, ?)`),
    insertOp: p(`INSERT INTO ops (log_seq, op_id, op) VALUES (?, ?, ?)`),
    pullRecords: p(`SELECT tbl, id, state, seq FROM records WHERE space = ? AND seq > ? ORDER BY seq LIMIT ?`),
    pullDocs: p(`SELECT doc, update_bytes, seq FROM doc_updates WHERE space = ? AND seq > ? ORDER BY seq LIMIT ?`),
    docsToCompact: p(`SELECT space, doc, COUNT(*) AS rows FROM doc_updates GROUP BY space, doc HAVING COUNT(*) >= ? LIMIT ?`),
    docUpdates: p(`SELECT seq, update_bytes FROM doc_updates WHERE space = ? AND doc = ? ORDER BY seq`),
    setDocUpdate: p(`UPDATE doc_updates SET update_bytes = ? WHERE seq = ?`),
    dropDocUpdates: p(`DELETE FROM doc_updates WHERE space = ? AND doc = ? AND seq < ?`),
    readLog: p(`SELECT log_seq, op FROM ops WHERE log_seq > ? ORDER BY log_seq LIMIT ?`),
    hasOps: p(`SELECT op_id FROM ops WHERE op_id IN (SELECT value FROM json_each(?))`),
    // log_seq runs 1..N without gaps (assigned under the write lock), so MAX is the count, without a scan.
    countOps: p(`SELECT COALESCE(MAX(log_seq), 0) AS n FROM ops`),
    allRecords: p(`SELECT space, tbl, id, state FROM records`),
    allOpIds: p(`SELECT op_id FROM ops`),
    getMeta: p(`SELECT value FROM meta WHERE key = ?`),
    setMeta: p(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    ping: p(`SELECT 1`),
  };
  return statements as { [K in keyof typeof statements]: Statement };
}

export type SqliteStatements = { [K in StatementName]: Statement };
type StatementName = keyof ReturnType<typeof prepareSqlite>;
