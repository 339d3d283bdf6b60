/**
 * A FakeServer that also stores Yjs updates (test only): yjs changes are
 * validated, deduplicated by op id and appended to a doc log that pulls page
 * through with their own part of the (opaque) cursor; `awareness` is relayed
 * to the space's other subscribers and never stored.
 */
import {
  SyncError,
  type DocChange,
  type DocRow,
  type OpResult,
  type PullReply,
  type PullRequest,
  type PushReply,
  type PushRequest,
} from '@syncline/shared';
import * as Y from 'yjs';
import { FakeServer, type FakeConnection } from '../../testing/FakeServer.js';
import type { FakeStore } from '../../testing/FakeStore.js';

export class FakeDocLog {
  readonly rows: DocRow[] = [];
  readonly opIds = new Map<string, number>();
  /** Ops received for each op id (a resend counts again; the log keeps one). */
  readonly received = new Map<string, number>();

  apply(c: DocChange): OpResult {
    this.received.set(c.opId, (this.received.get(c.opId) ?? 0) + 1);
    try {
      Y.decodeUpdate(c.update);
    } catch {
      return { opId: c.opId, status: 'rejected', error: new SyncError('INVALID_UPDATE', 'not a Yjs update').toWire() };
    }
    if (!this.opIds.has(c.opId)) {
      this.rows.push({ space: c.space, doc: c.doc, update: c.update, seq: this.rows.length + 1 });
      this.opIds.set(c.opId, this.rows.length);
    }
    return { opId: c.opId, status: 'ok', replicated: true };
  }
}

export class FakeDocServer extends FakeServer {
  constructor(
    id: string,
    store: FakeStore,
    readonly docLog: FakeDocLog,
    peers: FakeServer[],
  ) {
    super(id, store, peers);
  }

  override handle(conn: FakeConnection, event: string, payload: unknown): unknown {
    if (!this.up || !this.connections.has(conn)) throw new SyncError('INTERNAL', 'not connected');
    if (event === 'awareness') {
      const m = payload as { space: string };
      for (const c of this.allConnections()) if (c !== conn && c.spaces.has(m.space)) c.emit('awareness', payload);
      return { ok: true };
    }
    if (event === 'push') return this.pushDocs(conn, payload as PushRequest);
    if (event === 'pull') {
      const req = payload as PullRequest;
      const [rec, docSeq] = req.cursor ? (JSON.parse(req.cursor) as [string | null, number]) : [null, 0];
      const reply = super.handle(conn, event, { ...req, cursor: rec }) as PullReply;
      const docs = this.docLog.rows.filter((r) => r.space === req.space && r.seq > docSeq);
      return { ...reply, docs, cursor: JSON.stringify([reply.cursor, docs.at(-1)?.seq ?? docSeq]) };
    }
    return super.handle(conn, event, payload);
  }

  private pushDocs(conn: FakeConnection, req: PushRequest): PushReply {
    const docChanges = req.changes.filter((c): c is DocChange => c.kind === 'yjs');
    const others = req.changes.filter((c) => c.kind !== 'yjs');
    const results: OpResult[] = others.length ? (super.handle(conn, 'push', { ...req, changes: others }) as PushReply).results : [];
    for (const c of docChanges) results.push(this.docLog.apply(c));
    const spaces = new Set(docChanges.map((c) => c.space));
    for (const s of spaces) for (const c of this.allConnections()) if (c !== conn && c.spaces.has(s)) c.emit('poke', { space: s });
    return { results, ack: req.ack ?? 'sync' };
  }

  private allConnections(): FakeConnection[] {
    return this.peersList().flatMap((p) => [...p.connections]);
  }

  private peersList(): FakeServer[] {
    return (this as unknown as { peers: FakeServer[] }).peers;
  }
}
