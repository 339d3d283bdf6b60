/**
 * An in-memory Syncline server for deterministic client tests: push with
 * per-op results, pull by cursor, subscribe, pokes, `replicated` and
 * `drain`, plus fault injection. Not a reference implementation.
 */
import {
  DEFAULT_LIMITS,
  SyncError,
  type OpResult,
  type PullRequest,
  type PushReply,
  type PushRequest,
  type RecordChange,
  type SubscribeRequest,
  type WireError,
} from '@syncline/shared';
import type { FakeStore } from './FakeStore.js';

export interface FakeConnection {
  clientId: string;
  spaces: Set<string>;
  emit(event: string, payload: unknown): void;
  close(reason: string): void;
}

/** What to do with one incoming change instead of the normal path. */
export type Fault = { kind: 'indeterminate'; apply: boolean } | { kind: 'reject'; error: WireError };

export class FakeServer {
  readonly connections = new Set<FakeConnection>();
  up = true;
  /** Return a Fault to inject one for this change. */
  fault: ((change: RecordChange) => Fault | undefined) | null = null;
  /** Return a stamp to store a change under instead of its own (a clock-skew re-stamp). */
  restamp: ((change: RecordChange) => string | undefined) | null = null;
  /** When true, `replicated` messages wait for releaseReplication(). */
  holdReplication = false;
  readonly pushes: PushRequest[] = [];
  /** Spaces nobody may subscribe to or pull (answered FORBIDDEN). */
  readonly forbidden = new Set<string>();
  private readonly held: { conn: FakeConnection; opIds: string[] }[] = [];

  constructor(
    readonly id: string,
    readonly store: FakeStore,
    private readonly peers: FakeServer[] = [],
  ) {
    peers.push(this);
  }

  accept(conn: FakeConnection): void {
    if (!this.up) throw new SyncError('INTERNAL', `server ${this.id} is down`);
    this.connections.add(conn);
    conn.emit('welcome', { serverId: this.id, protocol: 1, ack: 'sync', limits: DEFAULT_LIMITS });
  }

  handle(conn: FakeConnection, event: string, payload: unknown): unknown {
    if (!this.up || !this.connections.has(conn)) throw new SyncError('INTERNAL', 'not connected');
    const space = (payload as { space?: string }).space;
    const spaces = (payload as { spaces?: string[] }).spaces ?? (space ? [space] : []);
    if (spaces.some((s) => this.forbidden.has(s))) return { error: new SyncError('FORBIDDEN', 'no role in space').toWire() };
    if (event === 'subscribe') {
      for (const s of (payload as SubscribeRequest).spaces) conn.spaces.add(s);
      return { spaces: [...conn.spaces] };
    }
    if (event === 'pull') {
      const req = payload as PullRequest;
      return this.store.pull(req.space, req.cursor, req.limit ?? 500);
    }
    if (event === 'push') return this.push(conn, payload as PushRequest);
    return { error: new SyncError('UNKNOWN_EVENT', event).toWire() };
  }

  private push(conn: FakeConnection, req: PushRequest): PushReply {
    this.pushes.push(req);
    const results: OpResult[] = [];
    const spaces = new Set<string>();
    for (const change of req.changes) {
      if (change.kind === 'yjs') continue;
      const fault = this.fault?.(change);
      if (fault?.kind === 'reject') {
        results.push({ opId: change.opId, status: 'rejected', error: fault.error });
        continue;
      }
      const stamp = this.restamp?.(change);
      const stored = stamp ? { ...change, hlc: stamp } : change;
      const applied = fault?.kind === 'indeterminate' && !fault.apply ? null : this.store.apply(stored);
      const res = applied && stamp ? { ...applied, hlc: stamp } : applied;
      spaces.add(change.space);
      if (fault?.kind === 'indeterminate') {
        results.push({ opId: change.opId, status: 'indeterminate', error: { code: 'TIMEOUT', message: 'injected', retryable: true } });
      } else results.push(res!);
    }
    const okIds = results.filter((r) => r.status === 'ok').map((r) => r.opId);
    if (okIds.length) {
      if (this.holdReplication) this.held.push({ conn, opIds: okIds });
      else queueMicrotask(() => conn.emit('replicated', { opIds: okIds }));
    }
    for (const space of spaces) this.poke(space, conn);
    return { results, ack: req.ack ?? 'sync' };
  }

  /** Pokes every subscriber of the space on every server sharing the store. */
  private poke(space: string, except: FakeConnection): void {
    for (const server of this.peers) {
      for (const c of server.connections) if (c !== except && c.spaces.has(space)) c.emit('poke', { space });
    }
  }

  releaseReplication(): void {
    for (const h of this.held.splice(0)) h.conn.emit('replicated', { opIds: h.opIds });
  }

  /** Stops abruptly: every connection drops, new ones fail. */
  kill(): void {
    this.up = false;
    for (const c of [...this.connections]) c.close('transport close');
    this.connections.clear();
  }

  restart(): void {
    this.up = true;
  }

  /** Graceful stop: tell clients to move, then close. */
  drain(retryInMs = 0): void {
    this.up = false;
    for (const c of [...this.connections]) {
      c.emit('drain', { reason: 'shutdown', retryInMs });
      c.close('server namespace disconnect');
    }
    this.connections.clear();
  }
}
