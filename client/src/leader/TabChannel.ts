/**
 * Messages between tabs (and the sync Worker) of one database, over a
 * BroadcastChannel. They are hints that make sync prompt; the engine also
 * polls, so a lost or unsupported message only costs latency.
 */
import type { EngineStatus } from '../status/SyncStatus.js';

export type TabMessage = { type: 'outbox' } | { type: 'spaces'; spaces: string[] } | { type: 'status'; status: EngineStatus };

export class TabChannel {
  private readonly bc: BroadcastChannel | null;
  private readonly listeners = new Set<(m: TabMessage) => void>();
  private closed = false;

  constructor(dbName: string) {
    this.bc = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`syncline:${dbName}`) : null;
    if (this.bc) this.bc.onmessage = (e: MessageEvent<TabMessage>) => this.dispatch(e.data);
    // Node keeps a process alive while a channel is open; tabs have no such concern.
    (this.bc as unknown as { unref?: () => void } | null)?.unref?.();
  }

  post(msg: TabMessage): void {
    if (!this.closed) this.bc?.postMessage(msg);
  }

  on(listener: (m: TabMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private dispatch(m: TabMessage): void {
    for (const l of [...this.listeners]) l(m);
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.bc?.close();
  }
}
