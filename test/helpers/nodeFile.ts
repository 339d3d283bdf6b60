/**
 * Reads a SQLite node file read-only, through the server's own decoders, so
 * tests see what the node serves whatever schema version wrote the file:
 * states in either stored form (`parseState`) and elided ops rebuilt from
 * their record (`rebuildOpJson`, the same join as `readLog` in
 * server/src/storage/sqliteStatements.ts).
 */
import Database from 'better-sqlite3';
import type { RecordState } from '@syncline/shared';
import { parseState } from '../../server/src/storage/stateCodec.js';
import { rebuildOpJson } from '../../server/src/storage/sqliteOpLog.js';
import type { ModelOp } from './lwwModel.js';

/** An op's stored JSON (opCodec.ts encodeOp), parsed; elided ops rebuilt: the shape the LWW model replays. */
export type FileOp = ModelOp;

export interface FileRecord {
  space: string;
  table: string;
  id: string;
  state: RecordState;
}

export interface NodeFile {
  /** Op log in log order. */
  ops: FileOp[];
  /** Every record, ordered by (space, table, id). */
  records: FileRecord[];
}

interface LogRow {
  op_id: string;
  op: string | null;
  space: string | null;
  tbl: string | null;
  id: string | null;
  state: string | null;
}

export function readNodeFile(path: string): NodeFile {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // One read transaction: ops and records from the same snapshot.
    return db.transaction(() => {
      const ops = (
        db
          .prepare(
            `SELECT o.op_id, o.op, r.space, r.tbl, r.id, r.state
             FROM ops o LEFT JOIN records r ON r.rid = o.rid ORDER BY o.log_seq`,
          )
          .all() as LogRow[]
      ).map((row) => {
        const text = row.op ?? rebuildOpJson(row.op_id, row.space!, row.tbl!, row.id!, row.state!);
        return JSON.parse(text) as FileOp;
      });
      const records = (
        db.prepare('SELECT space, tbl, id, state FROM records ORDER BY space, tbl, id').all() as {
          space: string;
          tbl: string;
          id: string;
          state: string;
        }[]
      ).map((r) => ({ space: r.space, table: r.tbl, id: r.id, state: parseState(r.state) }));
      return { ops, records };
    })();
  } finally {
    db.close();
  }
}
