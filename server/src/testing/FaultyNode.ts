/**
 * A StorageNode wrapper with faults a test switches on and off, for
 * replication and chaos tests in any package:
 *
 * ```ts
 * const n = new FaultyNode(new SqliteNode({ id: 'n1', path }));
 * n.down();          // every call throws
 * n.slow(200);       // every call waits 200 ms first
 * n.failNextBatch(); // the next applyBatch throws without applying
 * const release = n.hang(); // calls wait until release(); then they run
 * ```
 *
 * Faults act before the inner call, so a thrown fault never applies anything
 * (the StorageNode contract: on error nothing of the batch is applied). A hung
 * call does run once released: that is the "timed out but landed later" case.
 */
import type { ApplyOutcome, OpIdPage, OpLogPage, PullPage, StorageNode, StoredOp } from '../storage/StorageNode.js';
import { opIdsOf } from '../storage/opIdsOf.js';

export class NodeDownError extends Error {
  constructor(id: string) {
    super(`node ${id} is down (injected fault)`);
    this.name = 'NodeDownError';
  }
}

export class FaultyNode implements StorageNode {
  readonly id: string;
  private isDown = false;
  private delayMs = 0;
  private batchFailures = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  /** applyBatch calls that reached the inner node (for tests of group commit). */
  batchCalls = 0;

  constructor(readonly inner: StorageNode) {
    this.id = inner.id;
  }

  get inThread(): boolean {
    return this.inner.inThread === true;
  }

  get ownThread(): boolean {
    return this.inner.ownThread === true;
  }

  down(): void {
    this.isDown = true;
  }

  up(): void {
    this.isDown = false;
  }

  get isUp(): boolean {
    return !this.isDown;
  }

  /** Delay every call by `ms` (0 turns it off). */
  slow(ms: number): void {
    this.delayMs = ms;
  }

  /** The next `count` applyBatch calls throw without applying. */
  failNextBatch(count = 1): void {
    this.batchFailures += count;
  }

  /** Calls wait until the returned function (or `release()`) is called. */
  hang(): () => void {
    if (!this.gate) this.gate = new Promise<void>((resolve) => (this.openGate = resolve));
    return () => this.release();
  }

  release(): void {
    const open = this.openGate;
    this.gate = null;
    this.openGate = null;
    open?.();
  }

  /** Clear every fault (releasing hung calls). */
  heal(): void {
    this.isDown = false;
    this.delayMs = 0;
    this.batchFailures = 0;
    this.release();
  }

  private async fault(): Promise<void> {
    if (this.gate) await this.gate;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.isDown) throw new NodeDownError(this.id);
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  close(): Promise<void> {
    this.release();
    return this.inner.close();
  }

  async applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    await this.fault();
    if (this.batchFailures > 0) {
      this.batchFailures--;
      throw new Error(`applyBatch failed on ${this.id} (injected fault)`);
    }
    this.batchCalls++;
    return this.inner.applyBatch(ops);
  }

  async pull(space: string, afterSeq: number, limit: number): Promise<PullPage> {
    await this.fault();
    return this.inner.pull(space, afterSeq, limit);
  }

  async readOpLog(afterLogSeq: number, limit: number): Promise<OpLogPage> {
    await this.fault();
    return this.inner.readOpLog(afterLogSeq, limit);
  }

  async readOpIds(afterLogSeq: number, limit: number): Promise<OpIdPage> {
    await this.fault();
    return opIdsOf(this.inner, afterLogSeq, limit);
  }

  async hasOps(opIds: string[]): Promise<Set<string>> {
    await this.fault();
    return this.inner.hasOps(opIds);
  }

  async opCount(): Promise<number> {
    await this.fault();
    return this.inner.opCount();
  }

  async digest(): Promise<string> {
    await this.fault();
    return this.inner.digest();
  }

  async getMeta(key: string): Promise<string | undefined> {
    await this.fault();
    return this.inner.getMeta(key);
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.fault();
    return this.inner.setMeta(key, value);
  }

  async ping(): Promise<void> {
    await this.fault();
    return this.inner.ping();
  }
}
