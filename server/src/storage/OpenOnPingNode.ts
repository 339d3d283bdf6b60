/**
 * A node whose `open()` failed at start-up (a PostgreSQL server down, a
 * SQLite path not mounted yet). It stands in the node list as a node that is
 * down: every call fails as "not open" (a node fault, so the replicator
 * marks it down), and the replicator's health rounds ping it, which retries
 * `open()`. Once an open succeeds the node answers the ping, comes back as
 * stale and is repaired like any node that was down.
 *
 * After `close()` it stops reopening, so a shutdown's last health round
 * cannot bring it back.
 */
import type { PullOnly } from '@syncline/shared';
import type { ApplyOutcome, DocToCompact, OpIdPage, OpLogPage, PullPage, StorageNode, StoredOp } from './StorageNode.js';
import { opIdsOf } from './opIdsOf.js';

export class OpenOnPingNode implements StorageNode {
  private opened = false;
  private closed = false;
  /** The last open error, for logs. */
  lastOpenError: unknown;

  constructor(private readonly inner: StorageNode) {}

  get id(): string {
    return this.inner.id;
  }

  get inThread(): boolean {
    return this.inner.inThread === true;
  }

  get ownThread(): boolean {
    return this.inner.ownThread === true;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (this.closed) throw new Error(`storage node ${this.id} is closed`);
    try {
      await this.inner.open();
      this.opened = true;
    } catch (err) {
      this.lastOpenError = err;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inner.close();
  }

  async ping(): Promise<void> {
    if (!this.opened && !this.closed) await this.open();
    return this.inner.ping();
  }

  applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    return this.inner.applyBatch(ops);
  }
  pull(space: string, afterSeq: number, limit: number, only?: PullOnly): Promise<PullPage> {
    return this.inner.pull(space, afterSeq, limit, only);
  }
  readOpLog(afterLogSeq: number, limit: number): Promise<OpLogPage> {
    return this.inner.readOpLog(afterLogSeq, limit);
  }
  readOpIds(afterLogSeq: number, limit: number): Promise<OpIdPage> {
    return opIdsOf(this.inner, afterLogSeq, limit);
  }
  hasOps(opIds: string[]): Promise<Set<string>> {
    return this.inner.hasOps(opIds);
  }
  opCount(): Promise<number> {
    return this.inner.opCount();
  }
  digest(): Promise<string> {
    return this.inner.digest();
  }
  getMeta(key: string): Promise<string | undefined> {
    return this.inner.getMeta(key);
  }
  setMeta(key: string, value: string): Promise<void> {
    return this.inner.setMeta(key, value);
  }
  async docsToCompact(minRows: number, limit: number): Promise<DocToCompact[]> {
    return this.inner.docsToCompact ? this.inner.docsToCompact(minRows, limit) : [];
  }
  async compactDoc(space: string, doc: string, merge: (updates: Uint8Array[]) => Uint8Array): Promise<number> {
    return this.inner.compactDoc ? this.inner.compactDoc(space, doc, merge) : 0;
  }
}
