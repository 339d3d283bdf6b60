/**
 * Turns of the event loop handed out one at a time: each `next()` resolves
 * in a check phase of its own, after the one before it. The writers of
 * in-thread nodes (StorageNode.inThread: better-sqlite3 commits on the
 * server's thread) take one before each group, so between two nodes' groups
 * the event loop polls sockets and runs timers once. Without it, every
 * node's writer woke in the same check phase and the three groups ran back
 * to back: with 64 writers, seconds without a heartbeat answered (issue 14).
 */
export class TurnQueue {
  private tail: Promise<void> = Promise.resolve();

  next(): Promise<void> {
    // setImmediate called from inside a check phase runs in the next loop iteration.
    const turn = this.tail.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.tail = turn;
    return turn;
  }
}
