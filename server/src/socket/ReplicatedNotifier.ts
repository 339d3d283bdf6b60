/**
 * Tells the socket that pushed an op when the op reached every node
 * (`replicated`, the second phase of the two-phase ack). An op is tracked
 * from before its write starts, because replication can finish before the
 * push is answered; such early notices are held until the reply went out,
 * so a client never hears `replicated` for an op it has not seen acked.
 * Tracking is bounded; a forgotten op costs the client a re-push, not data.
 */
import type { SynclineIo as Server } from './ioTypes.js';
import { Events, type ReplicatedMessage } from '@syncline/shared';

interface Pending {
  socketId: string;
  acked: boolean;
  replicated: boolean;
}

export class ReplicatedNotifier {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly io: Server,
    private readonly maxTracked = 200_000,
  ) {}

  /** Call before writing. */
  track(socketId: string, opIds: string[]): void {
    for (const opId of opIds) {
      this.pending.delete(opId); // re-insert: Map order doubles as age order
      this.pending.set(opId, { socketId, acked: false, replicated: false });
    }
    this.evict();
  }

  /** Call after the push reply was sent: `ok` lists ops acked ok and not yet replicated. */
  acked(opIds: string[], ok: Set<string>): void {
    const early = new Map<string, string[]>();
    for (const opId of opIds) {
      const p = this.pending.get(opId);
      if (!p) continue;
      if (!ok.has(opId)) {
        this.pending.delete(opId);
      } else if (p.replicated) {
        this.pending.delete(opId);
        early.set(p.socketId, [...(early.get(p.socketId) ?? []), opId]);
      } else {
        p.acked = true;
      }
    }
    for (const [socketId, ids] of early) this.emitTo(socketId, ids);
  }

  /** Replicator callback. */
  onReplicated(opIds: string[]): void {
    const bySocket = new Map<string, string[]>();
    for (const opId of opIds) {
      const p = this.pending.get(opId);
      if (!p) continue;
      if (!p.acked) {
        p.replicated = true;
        continue;
      }
      this.pending.delete(opId);
      const list = bySocket.get(p.socketId) ?? [];
      list.push(opId);
      bySocket.set(p.socketId, list);
    }
    for (const [socketId, ids] of bySocket) this.emitTo(socketId, ids);
  }

  forgetSocket(socketId: string): void {
    for (const [opId, p] of this.pending) if (p.socketId === socketId) this.pending.delete(opId);
  }

  get size(): number {
    return this.pending.size;
  }

  private emitTo(socketId: string, opIds: string[]): void {
    const socket = this.io.of('/').sockets.get(socketId);
    if (socket) socket.emit(Events.replicated, { opIds } satisfies ReplicatedMessage);
  }

  private evict(): void {
    for (const opId of this.pending.keys()) {
      if (this.pending.size <= this.maxTracked) break;
      this.pending.delete(opId);
    }
  }
}
