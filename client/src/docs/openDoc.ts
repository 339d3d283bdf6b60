/**
 * Opens a document on the main thread: the Y.Doc lives here, IndexedDB is
 * the bus. Loading applies every stored row of (space, doc). Local edits
 * (any origin but REMOTE_ORIGIN) are coalesced per tick and recorded with
 * `recordLocalUpdate` (`_docs` + `_outbox`, one transaction). Rows written
 * by anyone else — the engine's pulls (in this tab, another tab or the
 * Worker), other tabs' edits, compactions — are read after the last row id
 * seen and applied with REMOTE_ORIGIN, so they are never recorded again.
 * A DocChannel hint makes that prompt; a poll makes it certain.
 * Opening announces the document to the engine (`open`, again on every
 * `link`), which subscribes to it; updates the server relays arrive as
 * `update` messages and are applied at once (docs/documents.md).
 */
import type { Dexie } from 'dexie';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { bindAwareness } from './bindAwareness.js';
import { compactLocalDoc } from './compactLocalDoc.js';
import { DocChannel } from './DocChannel.js';
import { readDocRows, toBytes } from './docRows.js';
import { recordLocalUpdate, type LocalUpdateOptions } from './recordLocalUpdate.js';
import { OpIdBlock } from './OpIdBlock.js';
import type { AckMode, DocChange } from '@syncline/shared';
import { REMOTE_ORIGIN, type SynclineDoc } from './SynclineDoc.js';
import { consoleLogger, type SynclineLogger } from '../logger.js';

export interface OpenDocOptions extends LocalUpdateOptions {
  /** The outbox has a new row (kick the engine, hint other tabs). */
  notify(): void;
  /**
   * Push an edit at once, ahead of its outbox row (the engine in this tab; engine/EagerPush.ts).
   * Resolves false when it did not go out, true once its push settled.
   */
  pushNow?(change: DocChange, ack?: AckMode): Promise<boolean>;
  /** Look for rows written elsewhere this often even without a hint (default 1000 ms). */
  pollMs?: number;
  /** Compact the local rows of the doc once there are more than this (default 100). */
  maxLocalRows?: number;
  /** Where read/store failures (retried) are reported (default `console`). */
  logger?: SynclineLogger;
}

/** Eager pushes (engine/EagerPush.ts) one document keeps unanswered at most. */
const MAX_EAGER = 1;
/** Flushes closer together than this are a burst: batched, not pushed one by one. */
const BURST_GAP_MS = 10;
/**
 * A relayed update can arrive before one it depends on (two pushes of one writer in flight);
 * pending structs that last longer than this are a gap (the update was missed): pull.
 */
const GAP_MS = 50;

export function openDoc(db: Dexie, space: string, docId: string, opts: OpenDocOptions): SynclineDoc {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const channel = new DocChannel(db.name);
  const maxRows = opts.maxLocalRows ?? 100;
  const own = new Set<number>();
  let lastId = 0;
  let destroyed = false;
  let reading: Promise<void> = Promise.resolve();
  let writing: Promise<void> = Promise.resolve();
  let queued: Uint8Array[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let writes = 0;
  /** Stores queued or running. */
  let storing = 0;
  let eagerInFlight = 0;
  let lastFlushAt = -Infinity;
  let gapTimer: ReturnType<typeof setTimeout> | null = null;
  const pending = () => doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  const checkGap = () => {
    gapTimer = null;
    if (!destroyed && pending()) channel.post({ type: 'gap', space, doc: docId });
  };
  const ids = opts.pushNow ? new OpIdBlock(db, 64, opts.clientId) : null;

  // One read at a time; hints that arrive meanwhile fold into one more read
  // (each read takes every row after lastId), so a burst of pulls costs two reads, not one each.
  let readAgain: Promise<void> | null = null;
  const readNew = (): Promise<void> => {
    if (readAgain) return readAgain;
    const next = (reading = reading
      .then(async () => {
        if (readAgain === next) readAgain = null;
        if (destroyed) return;
        const rows = await readDocRows(db, space, docId, lastId);
        const fresh = rows.filter((r) => !own.has(r.id!));
        for (const r of rows) {
          lastId = Math.max(lastId, r.id!);
          own.delete(r.id!);
        }
        if (fresh.length === 0 || destroyed) return;
        // While the document holds pending structs every applyUpdate merges them with what it
        // brings: then one merged update, one apply. Otherwise one Yjs transaction (observers fire
        // once) without merging first: merging decodes and re-encodes every update only for
        // applyUpdate to decode the result again.
        if (fresh.length > 1 && pending()) Y.applyUpdate(doc, Y.mergeUpdates(fresh.map((r) => r.update)), REMOTE_ORIGIN);
        else doc.transact(() => fresh.forEach((r) => Y.applyUpdate(doc, r.update, REMOTE_ORIGIN)), REMOTE_ORIGIN);
      })
      .catch((err: unknown) => {
        // The next hint or poll tries again from the same row id.
        (opts.logger ?? consoleLogger).warn('Syncline: reading document updates failed', err);
      }));
    readAgain = next;
    return next;
  };

  const writeQueued = (): Promise<void> => {
    flushTimer = null;
    if (queued.length === 0) return writing;
    // Pushed now, stored after: this tick's edits become one op under a reserved id, sent
    // ahead of its outbox row (engine/EagerPush.ts); the row below carries the same id.
    // Interactive edits go eagerly; a burst is batched: with a push of this document
    // unanswered, a store pending, or the previous flush less than BURST_GAP_MS ago (a
    // paste, a script, a fast typist), edits coalesce into one row and one op as before —
    // one op per edit would cost the server and every receiver more than it saves.
    const now = performance.now();
    const eagerOk = !destroyed && eagerInFlight < MAX_EAGER && storing === 0 && now - lastFlushAt >= BURST_GAP_MS;
    lastFlushAt = now;
    const opId = eagerOk ? ids?.take() : undefined;
    let eager: Uint8Array | undefined;
    if (opId) {
      eager = queued.length === 1 ? queued[0]! : Y.mergeUpdates(queued);
      queued = [];
      eagerInFlight++;
      void opts.pushNow!({ kind: 'yjs', opId, space, doc: docId, update: eager }, opts.ack)
        .catch(() => false)
        .finally(() => eagerInFlight--);
    }
    storing++;
    let stored = false;
    const storeDone = () => {
      if (!stored) storing--;
      stored = true;
    };
    writing = writing
      .then(async () => {
        // Taken when the previous write is done, not when this one was scheduled: edits made
        // while a write is in flight merge into one row and one op instead of queueing one each.
        let update = eager;
        if (!update) {
          if (queued.length === 0) return;
          const batch = queued;
          queued = [];
          update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
        }
        try {
          const row = await recordLocalUpdate(db, space, docId, update, opts, opId);
          own.add(row.rowId);
          if (opId && row.opId !== opId) ids?.discard(); // the client id was rebound
        } catch (err) {
          // Not stored: keep the edit queued and try again, never drop it.
          queued.unshift(update);
          if (!destroyed) flushTimer ??= setTimeout(() => void writeQueued(), 500);
          (opts.logger ?? consoleLogger).warn('Syncline: storing a document update failed; will retry', err);
          return;
        }
        opts.notify();
        channel.post({ type: 'docs', space, doc: docId });
        // Stored: the next edit may go eagerly while a compaction runs (the compaction is not an
        // edit in flight; the next store still waits for it on this chain).
        storeDone();
        if (++writes % 20 === 0) await compactLocalDoc(db, space, docId, maxRows).catch(() => false);
      })
      .finally(storeDone);
    return writing;
  };

  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE_ORIGIN) return;
    queued.push(update);
    // Coalesce a burst of keystrokes into one row and one op.
    flushTimer ??= setTimeout(() => void writeQueued(), 0);
  });

  const unbindAwareness = bindAwareness(awareness, channel, space, docId);
  const offHints = channel.on((m) => {
    if (m.type === 'link') {
      if (m.online && !destroyed) channel.post({ type: 'open', space, doc: docId });
      return;
    }
    if (m.space !== space || m.doc !== docId || destroyed) return;
    if (m.type === 'docs') void readNew().catch(() => undefined);
    if (m.type === 'update') {
      // Live delivery: apply now; the engine's next pull of this document stores it.
      try {
        Y.applyUpdate(doc, toBytes(m.update), REMOTE_ORIGIN);
      } catch (err) {
        console.warn('Syncline: a relayed document update did not apply', err);
      }
      // Missing a predecessor (Yjs holds the update as pending) for longer than a reordering
      // explains: ask for the document now rather than at the next persist pull (at most once
      // per GAP_MS, again while it is still missing and relays keep coming).
      if (!gapTimer && pending()) gapTimer = setTimeout(checkGap, GAP_MS);
    }
  });
  // Tell the engine (in this tab, another tab or the Worker) to subscribe to this document and pull it.
  channel.post({ type: 'open', space, doc: docId });
  const poll = setInterval(() => void readNew().catch(() => undefined), opts.pollMs ?? 1000);
  (poll as unknown as { unref?: () => void }).unref?.();

  const whenLoaded = readNew();
  whenLoaded.catch(() => undefined);

  return {
    space,
    docId,
    doc,
    awareness,
    whenLoaded,
    async destroy() {
      if (destroyed) return;
      clearInterval(poll);
      if (gapTimer) clearTimeout(gapTimer);
      if (flushTimer) clearTimeout(flushTimer);
      await writeQueued();
      destroyed = true;
      awareness.destroy(); // announces that we left
      unbindAwareness();
      offHints();
      channel.close();
      doc.destroy();
    },
  };
}
