/**
 * The contract every backend storage node implements (SQLite, PostgreSQL, and
 * an in-memory node for unit tests). Every implementation runs the one
 * conformance suite in `conformance.ts`.
 *
 * A node stores:
 *  - records: the merged state (`mergeRecord`) per (space, table, id);
 *  - doc updates: Yjs updates per (space, doc);
 *  - the op log: every applied op by op id, which makes `applyBatch`
 *    idempotent and lets peers repair from it;
 *  - a per-node sequence: every record row or doc update that changes gets
 *    the next `seq`, so `pull(space, afterSeq)` pages through changes.
 *    A reader never sees seq N+1 committed while N is still to come
 *    (writes to one node are serialized, also across processes sharing it).
 */
import type { Change, RecordRow, DocRow, PullOnly } from '@syncline/shared';

/** An op as stored: the client's change, possibly re-stamped by the server. */
export type StoredOp = Change;

export interface ApplyOutcome {
  opId: string;
  /** `applied` the first time, `duplicate` when the op id was already in the log. */
  status: 'applied' | 'duplicate';
  /**
   * For a `duplicate` put/delete: the HLC stamp of the op as first stored
   * (it can differ from the re-sent one when the server re-stamped a stamp
   * from a clock too far ahead), so a retry reports the original outcome (G1).
   */
  hlc?: string;
}

export interface PullPage {
  records: RecordRow[];
  docs: DocRow[];
  /** The highest seq included, or `afterSeq` when the page is empty. */
  lastSeq: number;
  hasMore: boolean;
}

export interface OpLogPage {
  ops: { logSeq: number; op: StoredOp }[];
  /** The highest log position included, or `afterLogSeq` when empty. */
  lastLogSeq: number;
  hasMore: boolean;
}

/** The op ids of an op log page: what `readOpLog` would return, without the ops. */
export interface OpIdPage {
  opIds: string[];
  /** The highest log position included, or `afterLogSeq` when empty. */
  lastLogSeq: number;
  hasMore: boolean;
}

export interface StorageNode {
  /** Stable id of this node, used in cursors and metrics. */
  readonly id: string;

  /**
   * True when the node's calls run synchronously on the caller's thread
   * (better-sqlite3 in the server's process): while one runs, nothing else
   * does. The replicator then keeps each of its groups small and runs them
   * one per turn of the event loop (NodeWriter.ts). Absent: false.
   */
  readonly inThread?: boolean;

  /**
   * True when the node validates and plans its batches on a thread of its
   * own, with its own copy of every op (SqliteWorkerNode): the caches the
   * nodes of the server's thread share (nodeSharing.ts) do nothing for it.
   * Absent: false.
   */
  readonly ownThread?: boolean;

  /** Creates files/schema on first use. Idempotent. */
  open(): Promise<void>;
  close(): Promise<void>;

  /**
   * Applies a batch atomically in one durable transaction. Ops whose id is
   * already in the log are not applied again. On error nothing of the batch
   * is applied.
   */
  applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]>;

  /**
   * Changes of one space after `afterSeq`, in seq order, at most `limit` rows in all.
   * `only` narrows it to record rows (`{ records: true }`) or to one document's
   * updates (`{ doc }`); `lastSeq` is then the highest seq of a row included.
   */
  pull(space: string, afterSeq: number, limit: number, only?: PullOnly): Promise<PullPage>;

  /** The op log after a position, for repair of peers. */
  readOpLog(afterLogSeq: number, limit: number): Promise<OpLogPage>;

  /**
   * The op ids of the op log after a position (the page `readOpLog` would
   * give, without decoding any op): repair reads these first and fetches full
   * ops only for the ones a peer misses. Optional: repair falls back to
   * `readOpLog`.
   */
  readOpIds?(afterLogSeq: number, limit: number): Promise<OpIdPage>;

  /** Which of these op ids this node has applied. */
  hasOps(opIds: string[]): Promise<Set<string>>;

  /** Number of ops in the log (for lag metrics). */
  opCount(): Promise<number>;

  /** Hash of the node's whole logical state (records + applied op ids); equal on converged nodes. */
  digest(): Promise<string>;

  /** Small durable key/value store for bookkeeping (e.g. repair cursors). */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  /** Cheap liveness check; throws when the node cannot serve. */
  ping(): Promise<void>;

  /** Documents holding at least `minRows` stored updates (for compaction, server/src/docs). */
  docsToCompact?(minRows: number, limit: number): Promise<DocToCompact[]>;
  /**
   * Replaces every stored update of (space, doc) by ONE row holding
   * `merge(updates in seq order)` at the highest seq of those rows, in one
   * transaction; returns how many rows it removed. Ops, op ids and records
   * are untouched, so the digest does not change (docs/documents.md).
   */
  compactDoc?(space: string, doc: string, merge: (updates: Uint8Array[]) => Uint8Array): Promise<number>;
}

export interface DocToCompact {
  space: string;
  doc: string;
  rows: number;
}
