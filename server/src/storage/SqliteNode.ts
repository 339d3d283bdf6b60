/**
 * StorageNode on SQLite (better-sqlite3): the embedded default. One file per
 * node, opened in WAL mode with `synchronous=FULL`.
 *
 * Durability: in WAL mode `synchronous=NORMAL` skips the fsync of the WAL on
 * each commit, so a power loss can drop the last commits; an acknowledged
 * write must survive that, so every commit here fsyncs (FULL).
 *
 * Several processes may open the same file: every write runs in a
 * `BEGIN IMMEDIATE` transaction (the write lock is taken up front, waiting up
 * to `busyTimeoutMs`), and the seq is read and advanced inside it, so seqs
 * are unique and gap-free in commit order. Reads run in one transaction so a
 * page is one consistent snapshot.
 *
 * better-sqlite3 is synchronous (and fast); methods are async to fit the
 * interface. A wait for another process's lock blocks the event loop for up
 * to `busyTimeoutMs`.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { SyncError, type PullOnly } from '@syncline/shared';
import type { ApplyOutcome, DocToCompact, OpIdPage, OpLogPage, PullPage, StorageNode, StoredOp } from './StorageNode.js';
import { computeDigest, type DigestDocOp } from './digest.js';
import { decodeOp, toBuffer } from './opCodec.js';
import { batchKey, planBatch } from './planBatch.js';
import { checkPullArgs, pullScope, toPullPage } from './pullPage.js';
import { migrateSqlite } from './sqliteSchema.js';
import { elidable, rebuildOp, rebuildOpJson } from './sqliteOpLog.js';
import { canonicalOf, encodeCompactState } from './stateCodec.js';
import { pullPageOf, type OpLogPageText, type PullPageText } from './textPages.js';
import { prepareSqlite, type SqliteStatements } from './sqliteStatements.js';
import { storageError } from './storageError.js';

/** An op log row; `op` is NULL for an op elided into its record (sqliteOpLog.ts). */
interface LogRow {
  log_seq: number;
  op_id: string;
  op: string | null;
  space: string | null;
  tbl: string | null;
  id: string | null;
  state: string | null;
}

export interface SqliteNodeOptions {
  id: string;
  /** Database file; its folder is created if missing. */
  path: string;
  /** How long a write waits for another connection's lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * Fault injection for tests: called inside the write transaction after a
   * batch's rows are written, before COMMIT. Throwing aborts the batch.
   */
  beforeCommit?: () => void;
}

export class SqliteNode implements StorageNode {
  readonly id: string;
  /** better-sqlite3 runs every call on this thread (StorageNode.inThread). */
  readonly inThread = true;
  readonly path: string;
  private readonly busyTimeoutMs: number;
  private readonly beforeCommit: (() => void) | undefined;
  private db: Database.Database | undefined;
  private s: SqliteStatements | undefined;
  private applyTx: ((ops: StoredOp[]) => ApplyOutcome[]) | undefined;

  constructor(opts: SqliteNodeOptions) {
    this.id = opts.id;
    this.path = opts.path;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    this.beforeCommit = opts.beforeCommit;
  }

  /** Creates and opens a node. */
  static async open(opts: SqliteNodeOptions): Promise<SqliteNode> {
    const node = new SqliteNode(opts);
    await node.open();
    return node;
  }

  async open(): Promise<void> {
    if (this.db) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const db = new Database(this.path);
      try {
        // busy_timeout first: switching to WAL itself may wait for another process.
        db.pragma(`busy_timeout = ${Math.floor(this.busyTimeoutMs)}`);
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (String(mode).toLowerCase() !== 'wal') throw new Error(`could not enable WAL (journal_mode=${mode})`);
        db.pragma('synchronous = FULL');
        migrateSqlite(db);
        this.s = prepareSqlite(db);
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
      const tx = db.transaction((ops: StoredOp[]) => this.applyInTx(ops));
      this.applyTx = (ops) => tx.immediate(ops);
    } catch (err) {
      throw storageError(this.id, err);
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.s = undefined;
    this.applyTx = undefined;
    db?.close();
  }

  async applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    const apply = this.applyTx;
    if (!apply) throw this.notOpen();
    if (ops.length === 0) return [];
    try {
      return apply(ops);
    } catch (err) {
      throw storageError(this.id, err);
    }
  }

  private applyInTx(ops: StoredOp[]): ApplyOutcome[] {
    const s = this.s!;
    const lastSeq = (s.getSeq.get() as { value: number }).value;
    // Rows whose state stands in for an elided op: written out before the state changes.
    const standIns = new Map<string, { opSeq: number; text: string }>();
    // Row ids of the records that exist on this node (by key); the others are inserted.
    const present = new Map<string, number>();
    const plan = planBatch(ops, {
      isKnown: (opId) => s.hasOp.get(opId) !== undefined,
      storedHlc: (opId) => (s.opHlc.get(opId) as { hlc: string | null } | undefined)?.hlc ?? undefined,
      loadState: (space, table, id) => {
        const row = s.getState.get(space, table, id) as { rid: number; state: string; op_seq: number | null } | undefined;
        if (!row) return undefined;
        const key = batchKey(space, table, id);
        present.set(key, row.rid);
        if (row.op_seq !== null) standIns.set(key, { opSeq: row.op_seq, text: row.state });
        return canonicalOf(row.state);
      },
      lastSeq,
    });
    // The plan's ops get log_seq base+1, base+2, … in order.
    const base = (s.maxLogSeq.get() as { v: number }).v;
    // Per plan op: the record it is elided into (rid), if any.
    const elidedInto: (number | undefined)[] = new Array(plan.ops.length);
    for (const r of plan.records) {
      // The common batch only inserts new records: no key needed then.
      const key = present.size > 0 ? batchKey(r.space, r.table, r.id) : '';
      const old = standIns.get(key);
      if (old) {
        const opId = s.opIdAt.pluck().get(old.opSeq) as string;
        s.writeOutOp.run(rebuildOpJson(opId, r.space, r.table, r.id, old.text), old.opSeq);
      }
      const op = ops[r.opIndex]!;
      const elide = elidable(op, r.state) ? (op as { hlc: string }).hlc : undefined;
      const text = encodeCompactState(r.state, elide);
      const opSeq = elide ? base + r.logIndex + 1 : null;
      let rid = present.get(key);
      if (rid === undefined) rid = Number(s.insertRecord.run(r.space, r.table, r.id, text, r.seq, opSeq).lastInsertRowid);
      else s.updateRecord.run(text, r.seq, opSeq, rid);
      if (elide) elidedInto[r.logIndex] = rid;
    }
    for (const d of plan.docs) s.insertDoc.run(d.seq, d.space, d.doc, toBuffer(d.update), d.opId);
    for (let i = 0; i < plan.ops.length; i++) {
      const o = plan.ops[i]!;
      const rid = elidedInto[i];
      s.insertOp.run(base + i + 1, o.opId, rid === undefined ? o.opJson : null, rid ?? null);
    }
    if (plan.lastSeq !== lastSeq) s.setSeq.run(plan.lastSeq);
    this.beforeCommit?.();
    return plan.outcomes;
  }

  async pull(space: string, afterSeq: number, limit: number, only?: PullOnly): Promise<PullPage> {
    return pullPageOf(space, this.pullText(space, afterSeq, limit, only));
  }

  /** A pull page with states as stored text (the worker-thread node parses them on its own thread). */
  pullText(space: string, afterSeq: number, limit: number, only?: PullOnly): PullPageText {
    checkPullArgs(afterSeq, limit);
    const scope = pullScope(only);
    return this.read((s) => {
      const recs = (scope.records ? s.pullRecords.all(space, afterSeq, limit + 1) : []) as {
        tbl: string;
        id: string;
        state: string;
        seq: number;
      }[];
      const docRows = (
        !scope.docs
          ? []
          : scope.doc === undefined
            ? s.pullDocs.all(space, afterSeq, limit + 1)
            : s.pullDoc.all(space, scope.doc, afterSeq, limit + 1)
      ) as { doc: string; update_bytes: Buffer; seq: number }[];
      const records = recs.map((r) => ({ space, table: r.tbl, id: r.id, state: r.state, seq: r.seq }));
      const docs = docRows.map((d) => ({ space, doc: d.doc, update: new Uint8Array(d.update_bytes), seq: d.seq }));
      return toPullPage(records, docs, afterSeq, limit);
    });
  }

  async readOpLog(afterLogSeq: number, limit: number): Promise<OpLogPage> {
    // An elided op is built from its record's state directly, not written out as JSON and parsed back.
    const page = this.readLogPage(afterLogSeq, limit, (r) =>
      r.op !== null ? decodeOp(r.op) : rebuildOp(r.op_id, r.space!, r.tbl!, r.id!, r.state!),
    );
    // Repair reads page after page of the log, and every call here completes
    // synchronously: without a turn of the event loop between pages, a pass
    // over a long log held the thread for seconds (4.8 s at 100k writes),
    // long enough for every client's heartbeat to time out (issue 14).
    await setImmediate();
    return page;
  }

  async readOpIds(afterLogSeq: number, limit: number): Promise<OpIdPage> {
    const page = this.readOpIdsNow(afterLogSeq, limit);
    await setImmediate(); // as readOpLog: a turn of the event loop between pages
    return page;
  }

  /** readOpIds, synchronously (for the worker-thread node). */
  readOpIdsNow(afterLogSeq: number, limit: number): OpIdPage {
    checkPullArgs(afterLogSeq, limit);
    return this.read((s) => {
      const rows = s.readLogIds.raw().all(afterLogSeq, limit + 1) as [number, string][];
      const n = Math.min(rows.length, limit);
      const opIds = new Array<string>(n);
      for (let i = 0; i < n; i++) opIds[i] = rows[i]![1];
      return { opIds, lastLogSeq: n > 0 ? rows[n - 1]![0] : afterLogSeq, hasMore: rows.length > limit };
    });
  }

  /** An op log page with ops as stored JSON text. */
  readOpLogText(afterLogSeq: number, limit: number): OpLogPageText {
    return this.readLogPage(afterLogSeq, limit, (r) => r.op ?? rebuildOpJson(r.op_id, r.space!, r.tbl!, r.id!, r.state!));
  }

  private readLogPage<T>(
    afterLogSeq: number,
    limit: number,
    opOf: (row: LogRow) => T,
  ): { ops: { logSeq: number; op: T }[]; lastLogSeq: number; hasMore: boolean } {
    checkPullArgs(afterLogSeq, limit);
    return this.read((s) => {
      const rows = s.readLog.all(afterLogSeq, limit + 1) as LogRow[];
      const page = rows.slice(0, limit);
      return {
        ops: page.map((r) => ({ logSeq: r.log_seq, op: opOf(r) })),
        lastLogSeq: page.length > 0 ? page[page.length - 1]!.log_seq : afterLogSeq,
        hasMore: rows.length > limit,
      };
    });
  }

  async hasOps(opIds: string[]): Promise<Set<string>> {
    if (opIds.length === 0) return this.read(() => new Set<string>());
    return this.read((s) => new Set((s.hasOps.all(JSON.stringify(opIds)) as { op_id: string }[]).map((r) => r.op_id)));
  }

  async opCount(): Promise<number> {
    return this.read((s) => (s.countOps.get() as { n: number }).n);
  }

  async digest(): Promise<string> {
    return this.read((s) => {
      const records = (s.allRecords.all() as { space: string; tbl: string; id: string; state: string }[]).map((r) => ({
        space: r.space,
        table: r.tbl,
        id: r.id,
        stateJson: canonicalOf(r.state),
      }));
      const opIds = s.allOpIds.pluck().all() as string[];
      return computeDigest(records, opIds, s.allDocOps.all() as DigestDocOp[]);
    });
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.read((s) => (s.getMeta.get(key) as { value: string } | undefined)?.value);
  }

  async setMeta(key: string, value: string): Promise<void> {
    const db = this.db;
    if (!db || !this.s) throw this.notOpen();
    const s = this.s;
    try {
      db.transaction(() => s.setMeta.run(key, value)).immediate();
    } catch (err) {
      throw storageError(this.id, err);
    }
  }

  async ping(): Promise<void> {
    this.read((s) => s.ping.get());
  }

  async docsToCompact(minRows: number, limit: number): Promise<DocToCompact[]> {
    return this.read((s) => s.docsToCompact.all(minRows, limit) as DocToCompact[]);
  }

  async compactDoc(space: string, doc: string, merge: (updates: Uint8Array[]) => Uint8Array): Promise<number> {
    const db = this.db;
    if (!db) throw this.notOpen();
    try {
      return db
        .transaction(() => {
          const rows = this.docUpdates(space, doc);
          return rows.length < 2
            ? 0
            : this.replaceDocUpdates(
                space,
                doc,
                rows.map((r) => r.seq),
                merge(rows.map((r) => r.update)),
              );
        })
        .immediate();
    } catch (err) {
      throw storageError(this.id, err);
    }
  }

  /** Every stored update of a document in seq order (first half of compactDoc, for the worker-thread node). */
  docUpdates(space: string, doc: string): { seq: number; update: Uint8Array }[] {
    return this.read((s) =>
      (s.docUpdates.all(space, doc) as { seq: number; update_bytes: Buffer }[]).map((r) => ({
        seq: r.seq,
        update: new Uint8Array(r.update_bytes),
      })),
    );
  }

  /**
   * Second half of compactDoc: replaces the rows `seqs` (as read by
   * docUpdates) with `merged` at the highest of them, in one transaction —
   * only if those rows are still exactly the document's rows up to that seq
   * (another process may have compacted meanwhile); else changes nothing.
   */
  replaceDocUpdates(space: string, doc: string, seqs: number[], merged: Uint8Array): number {
    const db = this.db;
    const s = this.s;
    if (!db || !s) throw this.notOpen();
    const last = seqs[seqs.length - 1];
    if (seqs.length < 2 || last === undefined) return 0;
    try {
      return db
        .transaction(() => {
          const now = (s.docUpdates.all(space, doc) as { seq: number }[]).map((r) => r.seq).filter((q) => q <= last);
          if (now.length !== seqs.length || now.some((q, i) => q !== seqs[i])) return 0;
          s.setDocUpdate.run(toBuffer(merged), last);
          return s.dropDocUpdates.run(space, doc, last).changes;
        })
        .immediate();
    } catch (err) {
      throw storageError(this.id, err);
    }
  }

  /** Runs reads in one (deferred) transaction: one consistent snapshot. */
  private read<T>(fn: (s: SqliteStatements) => T): T {
    const db = this.db;
    const s = this.s;
    if (!db || !s) throw this.notOpen();
    try {
      return db.transaction(() => fn(s))();
    } catch (err) {
      throw storageError(this.id, err);
    }
  }

  private notOpen(): SyncError {
    return new SyncError('STORAGE_ERROR', `storage node ${this.id} is not open`);
  }
}
