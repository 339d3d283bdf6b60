/**
 * Engine side of live Yjs delivery (docs/documents.md): updates the server
 * relays (`doc_update`) go straight to the open documents of every tab over
 * the DocChannel, which apply them to their Y.Doc at once. Storing them is
 * the per-document pull's job, run at most every `persistMs` per document
 * (a batch: one request, one transaction, with the cursor that covers it).
 *
 * Backpressure: updates that arrive in the same turn for one document are
 * merged (Y.mergeUpdates) into one message — only when the receiver is
 * behind, never by waiting. Past `maxBytes` waiting for one document, the
 * queue is dropped and the document is pulled instead.
 */
import * as Y from 'yjs';
import type { DocUpdateMessage } from '@syncline/shared';
import { postDocMessage } from './DocChannel.js';
import { toBytes } from './docRows.js';

export interface DocRelayOptions {
  dbName: string;
  /** Whether this session subscribed to the document (others are ignored). */
  isOpen(space: string, doc: string): boolean;
  /** Pull (and so store) the document. */
  requestPull(space: string, doc: string): void;
  persistMs?: number;
  maxBytes?: number;
}

interface Pending {
  space: string;
  doc: string;
  updates: Uint8Array[];
  bytes: number;
}

export class DocRelay {
  private readonly pending = new Map<string, Pending>();
  private readonly persistTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private flushing = false;
  readonly stats = { received: 0, posted: 0, merged: 0, overflows: 0 };

  constructor(private readonly opts: DocRelayOptions) {}

  offer(m: DocUpdateMessage): void {
    if (typeof m?.space !== 'string' || typeof m.doc !== 'string' || !this.opts.isOpen(m.space, m.doc)) return;
    let update: Uint8Array;
    try {
      update = toBytes(m.update);
    } catch {
      return;
    }
    this.stats.received++;
    const key = JSON.stringify([m.space, m.doc]);
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { space: m.space, doc: m.doc, updates: [], bytes: 0 }));
    p.updates.push(update);
    p.bytes += update.byteLength;
    if (p.bytes > (this.opts.maxBytes ?? 8 * 1024 * 1024)) {
      this.stats.overflows++;
      this.pending.delete(key);
      this.opts.requestPull(m.space, m.doc);
      return;
    }
    this.schedulePersist(key, m.space, m.doc);
    if (this.flushing) return;
    this.flushing = true;
    // A microtask: no added delay, yet every update the socket hands over in the same turn
    // (a backlog read from one network chunk) is taken together.
    queueMicrotask(() => this.flush());
  }

  stop(): void {
    for (const t of this.persistTimers.values()) clearTimeout(t);
    this.persistTimers.clear();
    this.pending.clear();
  }

  private flush(): void {
    this.flushing = false;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      let update: Uint8Array;
      try {
        update = p.updates.length === 1 ? p.updates[0]! : Y.mergeUpdates(p.updates);
      } catch {
        // A malformed relayed update: the pull brings the stored ones.
        this.opts.requestPull(p.space, p.doc);
        continue;
      }
      if (p.updates.length > 1) this.stats.merged += p.updates.length - 1;
      this.stats.posted++;
      postDocMessage(this.opts.dbName, { type: 'update', space: p.space, doc: p.doc, update });
    }
  }

  private schedulePersist(key: string, space: string, doc: string): void {
    if (this.persistTimers.has(key)) return;
    const t = setTimeout(() => {
      this.persistTimers.delete(key);
      this.opts.requestPull(space, doc);
    }, this.opts.persistMs ?? 1000);
    (t as unknown as { unref?: () => void }).unref?.();
    this.persistTimers.set(key, t);
  }
}
