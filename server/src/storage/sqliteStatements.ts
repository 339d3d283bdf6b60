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
    // An elided op's stamp is its record's compact state stamp ($[0]).
    opHlc: p(
      `SELECT COALESCE(json_extract(o.op, '$.hlc'), json_extract(r.state, '$[0]')) AS hlc
       FROM ops o LEFT JOIN records r ON r.rid = o.rid WHERE o.op_id = ?`,
    ),
    getState: p(`SELECT rid, state, op_seq FROM records WHERE space = ? AND tbl = ? AND id = ?`),
    // The batch read each record under the write lock: one it found is updated by its rid, one it
    // did not find is inserted. Half the cost of the former upsert's conflict check and RETURNING (issue 14).
    updateRecord: p(`UPDATE records SET state = ?, seq = ?, op_seq = ? WHERE rid = ?`),
    insertRecord: p(`INSERT INTO records (space, tbl, id, state, seq, op_seq) VALUES (?, ?, ?, ?, ?, ?)`),
    opIdAt: p(`SELECT op_id FROM ops WHERE log_seq = ?`),
    writeOutOp: p(`UPDATE ops SET op = ?, rid = NULL WHERE log_seq = ?`),
    insertDoc: p(`INSERT INTO doc_updates (seq, space, doc, update_bytes, op_id) VALUES (?, ?, ?, ?, ?)`),
    insertOp: p(`INSERT INTO ops (log_seq, op_id, op, rid) VALUES (?, ?, ?, ?)`),
    pullRecords: p(`SELECT tbl, id, state, seq FROM records WHERE space = ? AND seq > ? ORDER BY seq LIMIT ?`),
    pullDocs: p(`SELECT doc, update_bytes, seq FROM doc_updates WHERE space = ? AND seq > ? ORDER BY seq LIMIT ?`),
    pullDoc: p(`SELECT doc, update_bytes, seq FROM doc_updates WHERE space = ? AND doc = ? AND seq > ? ORDER BY seq LIMIT ?`),
    docsToCompact: p(`SELECT space, doc, COUNT(*) AS rows FROM doc_updates GROUP BY space, doc HAVING COUNT(*) >= ? LIMIT ?`),
    docUpdates: p(`SELECT seq, update_bytes FROM doc_updates WHERE space = ? AND doc = ? ORDER BY seq`),
    setDocUpdate: p(`UPDATE doc_updates SET update_bytes = ? WHERE seq = ?`),
    dropDocUpdates: p(`DELETE FROM doc_updates WHERE space = ? AND doc = ? AND seq < ?`),
    readLog: p(
      `SELECT o.log_seq, o.op_id, o.op, r.space, r.tbl, r.id, r.state
       FROM ops o LEFT JOIN records r ON r.rid = o.rid WHERE o.log_seq > ? ORDER BY o.log_seq LIMIT ?`,
    ),
    readLogIds: p(`SELECT log_seq, op_id FROM ops WHERE log_seq > ? ORDER BY log_seq LIMIT ?`),
    hasOps: p(`SELECT op_id FROM ops WHERE op_id IN (SELECT value FROM json_each(?))`),
    // log_seq runs 1..N without gaps (assigned under the write lock), so MAX is the count, without a scan.
    countOps: p(`SELECT COALESCE(MAX(log_seq), 0) AS n FROM ops`),
    allRecords: p(`SELECT space, tbl, id, state FROM records`),
    allOpIds: p(`SELECT op_id FROM ops`),
    // Yjs ops are never elided (sqliteOpLog.ts), so their JSON is always in the log.
    allDocOps: p(`SELECT op_id AS opId, op AS opJson FROM ops WHERE substr(op, 1, 13) = '{"kind":"yjs"'`),
    getMeta: p(`SELECT value FROM meta WHERE key = ?`),
    setMeta: p(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    ping: p(`SELECT 1`),
  };
  return statements as { [K in keyof typeof statements]: Statement };
}

export type SqliteStatements = { [K in StatementName]: Statement };
type StatementName = keyof ReturnType<typeof prepareSqlite>;
