/**
 * A SqliteNode on its own worker thread: the node kind `sqlite:PATH` makes.
 *
 * better-sqlite3 is synchronous, so three nodes on the server's thread
 * commit one after another, each blocking everything for its fsync. Here
 * each node's batches (merge planning, statements, COMMIT and its fsync)
 * run on the node's thread: the nodes' commits overlap, and the main thread
 * keeps reading pushes meanwhile (which NodeWriter groups into the next
 * commit).
 *
 * A worker that dies (crash, out of memory, terminate) fails its pending
 * and later calls with a retryable STORAGE_ERROR, so the replicator marks
 * the node down; the next `ping` (the replicator's health round) starts a
 * fresh worker on the same file, and the node comes back stale and is
 * repaired. A batch in flight when the worker died either committed (SQLite
 * WAL, synchronous=FULL) or did not; it was not acknowledged by this node
 * either way, and repair settles it from the peers' op logs.
 */
import { Worker } from 'node:worker_threads';
import { SyncError, type ErrorCode, type PullOnly } from '@syncline/shared';
import type { ApplyOutcome, DocToCompact, OpIdPage, OpLogPage, PullPage, StorageNode, StoredOp } from './StorageNode.js';
import type { SqliteNodeOptions } from './SqliteNode.js';
import type { WorkerCall, WorkerReply } from './sqliteWorker.js';
import { opLogPageOf, pullPageOf, type OpLogPageText, type PullPageText } from './textPages.js';
import { encodeOp } from './opCodec.js';

const here = import.meta.url;
// From sources (tsx, vitest) the worker loads the .ts entry through tsx with
// the source condition; from dist it is plain JS.
const fromSource = here.endsWith('.ts');
const ENTRY = new URL(fromSource ? './sqliteWorker.source.mjs' : './sqliteWorker.js', here);
const EXEC_ARGV = [...(fromSource ? ['--conditions=@syncline/source'] : []), ...profilerArgs(process.execArgv)];

/** `node --cpu-prof` profiles only the main thread unless the worker gets the flags too. */
function profilerArgs(argv: string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--cpu-prof') out.push(a);
    else if (a === '--cpu-prof-dir' && argv[i + 1] !== undefined) out.push(a, argv[i + 1]!);
    else if (a.startsWith('--cpu-prof-dir=')) out.push(a);
  });
  return out;
}

/**
 * Each op's stored JSON, per op object. A batch crosses to a worker as one
 * string, parsed there, instead of a structured clone of its objects, and
 * the worker nodes of one write (the replicator hands them the same op
 * objects) share each op's encoding: cloning the op graphs cost the main
 * thread ~0.6 µs per record and worker node (~0.2 µs as text; a
 * microbenchmark, issue 14). Op objects are
 * not changed once written (pinStoredStamps re-stamps by copying).
 */
const opText = new WeakMap<object, string>();

/** The batch as a JSON array of stored ops, or undefined for anything encodeOp does not take (left to the worker's validation). */
export function batchText(ops: readonly StoredOp[]): string | undefined {
  const parts = new Array<string>(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op === null || typeof op !== 'object') return undefined;
    let text = opText.get(op);
    if (text === undefined) {
      try {
        text = encodeOp(op) as string | undefined;
      } catch {
        return undefined;
      }
      if (text === undefined) return undefined;
      opText.set(op, text);
    }
    parts[i] = text;
  }
  return `[${parts.join(',')}]`;
}

interface Call {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class SqliteWorkerNode implements StorageNode {
  readonly id: string;
  readonly path: string;
  /** Batches are validated and planned on the worker, with its own copies of the ops (nodeSharing.ts). */
  readonly ownThread = true;
  private worker: Worker | undefined;
  private starting: Promise<void> | undefined;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  /** Opened once (and not closed since): a dead worker is restarted by `ping`. */
  private wanted = false;
  /** Times a worker died without being asked to (for tests and logs). */
  workerExits = 0;

  constructor(private readonly opts: Omit<SqliteNodeOptions, 'beforeCommit'>) {
    this.id = opts.id;
    this.path = opts.path;
  }

  static async open(opts: Omit<SqliteNodeOptions, 'beforeCommit'>): Promise<SqliteWorkerNode> {
    const node = new SqliteWorkerNode(opts);
    await node.open();
    return node;
  }

  async open(): Promise<void> {
    this.wanted = true;
    if (this.worker) return;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<void> {
    const worker = new Worker(ENTRY, { workerData: { ...this.opts }, execArgv: EXEC_ARGV });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.lost(worker, `worker failed: ${err.message}`));
    worker.on('exit', (code) => this.lost(worker, `worker exited (code ${code})`));
    this.worker = worker;
    try {
      await this.call('open');
    } catch (err) {
      if (this.worker === worker) this.worker = undefined;
      await worker.terminate();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.wanted = false;
    await this.starting?.catch(() => {});
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    try {
      await this.call('close');
      this.worker = undefined;
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    } finally {
      this.worker = undefined;
      await worker.terminate();
      this.failAll(`storage node ${this.id} is closed`);
    }
  }

  /** Test hook: ends the node's worker now, as a crash would (in-flight calls fail). */
  async killWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Test hook (conformance suite): the next applyBatch fails before COMMIT. */
  async failNextCommit(): Promise<void> {
    await this.call('failNextCommit');
  }

  applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    if (ops.length === 0) return this.call('ping').then(() => []);
    const text = batchText(ops);
    return text === undefined ? this.call('applyBatch', ops) : this.call('applyBatchText', text);
  }

  async pull(space: string, afterSeq: number, limit: number, only?: PullOnly): Promise<PullPage> {
    return pullPageOf(space, await this.call<PullPageText>('pullText', space, afterSeq, limit, only));
  }

  async readOpLog(afterLogSeq: number, limit: number): Promise<OpLogPage> {
    return opLogPageOf(await this.call<OpLogPageText>('readOpLogText', afterLogSeq, limit));
  }

  readOpIds(afterLogSeq: number, limit: number): Promise<OpIdPage> {
    return this.call('readOpIds', afterLogSeq, limit);
  }

  async hasOps(opIds: string[]): Promise<Set<string>> {
    return new Set(await this.call<string[]>('hasOps', opIds));
  }

  opCount(): Promise<number> {
    return this.call('opCount');
  }

  digest(): Promise<string> {
    return this.call('digest');
  }

  getMeta(key: string): Promise<string | undefined> {
    return this.call('getMeta', key);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.call('setMeta', key, value);
  }

  async ping(): Promise<void> {
    if (!this.worker && this.wanted) await this.open();
    await this.call('ping');
  }

  docsToCompact(minRows: number, limit: number): Promise<DocToCompact[]> {
    return this.call('docsToCompact', minRows, limit);
  }

  async compactDoc(space: string, doc: string, merge: (updates: Uint8Array[]) => Uint8Array): Promise<number> {
    // The merge function cannot cross threads: read, merge here, and replace
    // only if the rows are still the ones read (replaceDocUpdates checks).
    const rows = await this.call<{ seq: number; update: Uint8Array }[]>('docUpdates', space, doc);
    if (rows.length < 2) return 0;
    const merged = merge(rows.map((r) => r.update));
    return this.call(
      'replaceDocUpdates',
      space,
      doc,
      rows.map((r) => r.seq),
      merged,
    );
  }

  /** Test hook: whether the worker thread keeps the caches shared by the nodes of one thread (nodeSharing.ts). */
  sharesCaches(): Promise<boolean> {
    return this.call('sharesCaches');
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new SyncError('STORAGE_ERROR', `storage node ${this.id} is not open`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // Referenced only while calls are pending: an idle node keeps no process alive.
      if (this.calls.size === 0) worker.ref();
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, args } satisfies WorkerCall);
    });
  }

  private settle(reply: WorkerReply): void {
    const call = this.calls.get(reply.id);
    if (!call) return;
    this.calls.delete(reply.id);
    if (this.calls.size === 0) this.worker?.unref();
    if (reply.ok) call.resolve(reply.result);
    else
      call.reject(
        reply.error.code
          ? new SyncError(reply.error.code as ErrorCode, reply.error.message, reply.error.details)
          : new SyncError('STORAGE_ERROR', `storage node ${this.id}: ${reply.error.message}`),
      );
  }

  private lost(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.workerExits++;
    this.failAll(`storage node ${this.id}: ${why}`);
  }

  private failAll(message: string): void {
    const pending = [...this.calls.values()];
    this.calls.clear();
    for (const c of pending) c.reject(new SyncError('STORAGE_ERROR', message));
  }
}
