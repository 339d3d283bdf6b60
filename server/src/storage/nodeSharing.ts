/**
 * Caches shared by the storage nodes of one thread (issue 14). The
 * replicator hands the same op objects to every node, so nodes that run on
 * the server's thread (SqliteNode, MemoryNode) remember per op or state
 * object what the first node computed: the op passed validation
 * (opCodec.ts), the merge and its result (planBatch.ts), whether the op can
 * be elided (sqliteOpLog.ts), the state's compact encoding (stateCodec.ts).
 *
 * A thread that never sees an object twice only pays for them: a
 * SqliteWorkerNode's thread receives its own copy of every op, so each
 * cache entry is a miss and a WeakMap insert (extra work for the
 * collector too). Such a thread turns them off (sqliteWorker.ts); the main
 * thread validates without remembering when no node runs on it
 * (WritePath.ts).
 */
let shared = true;

/** Whether this thread's nodes keep the per-object caches above. */
export function sharesCaches(): boolean {
  return shared;
}

/** Turns the caches on or off for this thread (a worker's entry turns them off before it opens its node). */
export function setSharesCaches(on: boolean): void {
  shared = on;
}
