/**
 * Entry of a SqliteWorkerNode's worker thread: one SqliteNode, driven by
 * messages `{ id, method, args }`, answered `{ id, ok, result | error }` in
 * arrival order. The node's calls are synchronous, so the thread blocks in
 * COMMIT's fsync while the server's main thread and the other nodes' workers
 * go on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SyncError, type Json, type PullOnly } from '@syncline/shared';
import { SqliteNode, type SqliteNodeOptions } from './SqliteNode.js';
import type { StoredOp } from './StorageNode.js';
import { fromStored } from './opCodec.js';
import { setSharesCaches, sharesCaches } from './nodeSharing.js';

export interface WorkerCall {
  id: number;
  method: string;
  args: unknown[];
}

export type WorkerReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { message: string; code?: string; details?: unknown } };

// This thread's one node gets its own copy of every op: the caches nodes of
// one thread share would only cost here (nodeSharing.ts).
setSharesCaches(false);

const port = parentPort!;
const opts = workerData as Omit<SqliteNodeOptions, 'beforeCommit'>;
let failNext = false;
const node = new SqliteNode({
  ...opts,
  beforeCommit: () => {
    if (!failNext) return;
    failNext = false;
    throw new Error('injected failure before commit');
  },
});

const methods: Record<string, (...args: never[]) => unknown> = {
  open: () => node.open(),
  // After the reply the port closes and the thread ends on its own (so a
  // --cpu-prof profile of the thread gets written).
  close: async () => {
    await node.close();
    setImmediate(() => port.close());
  },
  applyBatch: (ops: StoredOp[]) => node.applyBatch(ops),
  // A batch as one JSON array of stored ops (SqliteWorkerNode.batchText).
  applyBatchText: (text: string) => node.applyBatch((JSON.parse(text) as Record<string, Json>[]).map(fromStored)),
  pullText: (space: string, after: number, limit: number, only?: PullOnly) => node.pullText(space, after, limit, only),
  readOpLogText: (after: number, limit: number) => node.readOpLogText(after, limit),
  readOpIds: (after: number, limit: number) => node.readOpIdsNow(after, limit),
  hasOps: async (ids: string[]) => [...(await node.hasOps(ids))],
  opCount: () => node.opCount(),
  digest: () => node.digest(),
  getMeta: (key: string) => node.getMeta(key),
  setMeta: (key: string, value: string) => node.setMeta(key, value),
  ping: () => node.ping(),
  docsToCompact: (minRows: number, limit: number) => node.docsToCompact(minRows, limit),
  docUpdates: (space: string, doc: string) => node.docUpdates(space, doc),
  replaceDocUpdates: (space: string, doc: string, seqs: number[], merged: Uint8Array) => node.replaceDocUpdates(space, doc, seqs, merged),
  // Conformance suite's fault injection (failNextCommit), as SqliteNode's beforeCommit.
  failNextCommit: () => void (failNext = true),
  // For tests: whether this thread shares caches between nodes (it must not).
  sharesCaches: () => sharesCaches(),
};

port.on('message', (call: WorkerCall) => {
  // Every SqliteNode method settles synchronously, so replies leave in call order.
  new Promise((resolve) => {
    const fn = methods[call.method];
    if (!fn) throw new Error(`unknown method ${call.method}`);
    resolve((fn as (...a: unknown[]) => unknown)(...call.args));
  }).then(
    (result) => port.postMessage({ id: call.id, ok: true, result } satisfies WorkerReply),
    (err: unknown) => port.postMessage(errorReply(call.id, err)),
  );
});

function errorReply(id: number, err: unknown): WorkerReply {
  if (err instanceof SyncError) return { id, ok: false, error: { message: err.message, code: err.code, details: err.details } };
  return { id, ok: false, error: { message: err instanceof Error ? err.message : String(err) } };
}
