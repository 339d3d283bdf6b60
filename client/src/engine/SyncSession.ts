/**
 * One connection's work, after the handshake: subscribe, pull every space
 * since its cursor, push the outbox (re-sending accepted-but-unreplicated
 * ops first), then react to live deliveries (`changes`, `doc_update`),
 * pokes, `replicated` messages and outbox signals until the connection
 * closes or the server asks us to move.
 *
 * Records are pulled per space (`only: { records: true }`); documents per
 * document, only those open in some tab (they announce themselves with an
 * `open` DocChannel message, again on every `link`), each subscribed with
 * `subscribe_docs` and pulled with its own cursor.
 */
import {
  Features,
  SyncError,
  toSyncError,
  type AckMode,
  type Change,
  type ChangesMessage,
  type DocUpdateMessage,
  type DrainMessage,
  type PokeMessage,
  type PushReply,
  type ReplicatedMessage,
  type Welcome,
} from '@syncline/shared';
import type { Dexie } from 'dexie';
import { applyPushResults, type PushOutcome } from './applyPushResults.js';
import { applyReplicated } from './applyReplicated.js';
import { backoffDelay } from './backoff.js';
import type { EngineOptions } from './EngineOptions.js';
import { pullSpace } from './pullSpace.js';
import { readPushBatch, toChange, type PushBatch } from './readPushBatch.js';
import { EagerPush } from './EagerPush.js';
import { Signal } from './Signal.js';
import type { Transport } from './Transport.js';
import { LiveReceiver } from './LiveReceiver.js';
import { DocRelay } from '../docs/DocRelay.js';
import { DocChannel } from '../docs/DocChannel.js';

interface DocRef {
  space: string;
  doc: string;
}
const docKey = (space: string, doc: string) => JSON.stringify([space, doc]);

/** Push batches in flight at once (pipelined). */
const PIPELINED_BATCHES = 4;
/** Batches one pushOnce sends before queued pulls and notices get a turn. */
const MAX_BATCHES = 64;

export type SessionEnd = { kind: 'closed'; reason: string } | { kind: 'drain'; retryInMs: number } | { kind: 'stopped' };

export interface SessionHooks {
  onPulled(): void;
  onPushed(outcome: PushOutcome): void;
  /** A space-level error that does not warrant a reconnect (e.g. FORBIDDEN). */
  onError(error: SyncError): void;
  isStopped(): boolean;
}

export class SyncSession {
  private readonly signal = new Signal();
  private readonly pullQueue = new Set<string>();
  private readonly subscribed = new Set<string>();
  /** Documents open in some tab, subscribed on this connection. */
  private readonly docs = new Map<string, DocRef>();
  private readonly docPullQueue = new Map<string, DocRef>();
  private readonly channel: DocChannel;
  readonly live: LiveReceiver;
  readonly relay: DocRelay;
  readonly eager: EagerPush;
  private readonly replicatedQueue: string[] = [];
  private readonly replicatedSeen = new Set<string>();
  private end: SessionEnd | null = null;
  private pushDue = true;
  private includeAccepted = true;
  private retryStep = 0;
  private retryAt = 0;
  private nextPullAt = 0;
  /** Set while pushOnce waits for a reply: new outbox rows can go out before it. */
  private onKick: (() => void) | null = null;

  constructor(
    private readonly db: Dexie,
    private readonly t: Transport,
    private opts: EngineOptions,
    private readonly clientId: string,
    private readonly welcome: Welcome,
    private readonly hooks: SessionHooks,
  ) {
    this.live = new LiveReceiver(db, {
      clientId,
      tables: opts.tables,
      requestPull: (space) => this.requestPull([space], false),
      maxRows: opts.maxLiveRows,
    });
    this.relay = new DocRelay({
      dbName: db.name,
      isOpen: (space, doc) => this.docs.has(docKey(space, doc)),
      requestPull: (space, doc) => this.requestDocPull(space, doc),
      persistMs: opts.docPersistMs,
      maxBytes: opts.maxLiveDocBytes,
    });
    this.eager = new EagerPush({
      send: (change, ack) => this.t.request('push', { changes: [change], ...(ack ? { ack } : {}) }, this.timeout),
      settled: () => {
        this.pushDue = true;
        this.signal.wake();
      },
      maxInFlight: opts.maxEagerPushes ?? 8,
    });
    this.channel = new DocChannel(db.name);
    this.channel.on((m) => {
      if (m.type === 'open') void this.openDoc(m.space, m.doc);
    });
    t.on('poke', (p) => this.requestPull([(p as PokeMessage).space]));
    t.on('changes', (m) => {
      const msg = m as ChangesMessage;
      if (this.subscribed.has(msg?.space)) this.live.offer(msg);
    });
    t.on('doc_update', (m) => this.relay.offer(m as DocUpdateMessage));
    t.on('replicated', (m) => {
      const ids = (m as ReplicatedMessage).opIds ?? [];
      this.replicatedQueue.push(...ids);
      for (const id of ids) this.replicatedSeen.add(id);
      this.signal.wake();
    });
    t.on('drain', (m) => this.finish({ kind: 'drain', retryInMs: (m as DrainMessage)?.retryInMs ?? 0 }));
    t.onClose((reason) => this.finish({ kind: 'closed', reason }));
  }

  wake(): void {
    this.pushDue = true;
    this.onKick?.();
    this.signal.wake();
  }

  stop(): void {
    this.finish({ kind: 'stopped' });
  }

  /**
   * A document edit to push now, ahead of its outbox row (EagerPush.ts).
   * Only ops of this connection's client id go out (after a client-id
   * rebind the row is moved to the new id and pushed by the loop).
   */
  pushNow(change: Change, ack?: AckMode): Promise<boolean> {
    if (this.end || !change.opId.startsWith(`${this.clientId}:`)) return Promise.resolve(false);
    return this.eager.offer(change, ack);
  }

  /**
   * The next outbox batch to send: rows whose eager push is in flight are
   * left out, rows it already got answered have that reply applied here.
   * `lastSeq` is the last row read (sent or not). Null when nothing is left to send.
   */
  private async readBatch(max: number, includeAccepted: boolean, afterSeq?: number): Promise<(PushBatch & { lastSeq: number }) | null> {
    for (;;) {
      const read = await readPushBatch(this.db, max, includeAccepted, afterSeq);
      if (!read) return null;
      const lastSeq = read.rows.at(-1)!.seq!;
      const { send, answered } = this.eager.partition(read.rows);
      for (const a of answered) this.hooks.onPushed(await applyPushResults(this.db, a.rows, a.results, this.replicatedSeen, a.ack));
      if (send.length === read.rows.length) return { ...read, lastSeq };
      if (send.length > 0) return { rows: send, ack: read.ack, changes: send.map(toChange), lastSeq };
      afterSeq = lastSeq;
    }
  }

  /** Pulls the spaces' records, and (unless `withDocs` is false) their open documents. */
  requestPull(spaces: Iterable<string>, withDocs = true): void {
    const set = new Set(spaces);
    for (const s of set) if (this.subscribed.has(s)) this.pullQueue.add(s);
    if (withDocs) for (const [k, d] of this.docs) if (set.has(d.space)) this.docPullQueue.set(k, d);
    this.signal.wake();
  }

  requestDocPull(space: string, doc: string): void {
    const k = docKey(space, doc);
    const d = this.docs.get(k);
    if (!d) return;
    this.docPullQueue.set(k, d);
    this.signal.wake();
  }

  /** A tab opened the document: subscribe to it on this connection and pull it. */
  async openDoc(space: string, doc: string): Promise<void> {
    const k = docKey(space, doc);
    if (this.docs.has(k) || this.end) return;
    const ref = { space, doc };
    this.docs.set(k, ref);
    try {
      await this.t.request('subscribe_docs', { space, docs: [doc] }, this.timeout);
    } catch (err) {
      const e = toSyncError(err);
      if (e.code === 'FORBIDDEN' || e.code === 'UNAUTHORIZED') {
        this.docs.delete(k);
        this.hooks.onError(e);
        return;
      }
      // A server without document rooms (UNKNOWN_EVENT), or a lost connection (the next
      // session subscribes again): the document is still pulled.
    }
    this.docPullQueue.set(k, ref);
    this.signal.wake();
  }
  async subscribe(spaces: string[]): Promise<void> {
    const fresh = spaces.filter((s) => !this.subscribed.has(s));
    if (fresh.length === 0 || this.end) return;
    try {
      await this.t.request('subscribe', { spaces: fresh }, this.timeout);
    } catch (err) {
      const e = toSyncError(err);
      if (e.retryable) throw e;
      // One space we may not read must not stop the others: try them one by one.
      if (fresh.length > 1) {
        for (const s of fresh) await this.subscribe([s]);
      } else this.hooks.onError(e);
      return;
    }
    for (const s of fresh) this.subscribed.add(s);
    this.requestPull(fresh);
  }

  private get pullOptions() {
    return {
      clientId: this.clientId,
      tables: this.opts.tables,
      limit: Math.min(this.opts.pullLimit ?? Infinity, this.welcome.limits?.maxPullLimit ?? 1000),
      resync: this.welcome.features?.includes(Features.resync) === true,
      timeoutMs: this.timeout,
    };
  }

  private get timeout(): number {
    return this.opts.requestTimeoutMs ?? 10_000;
  }

  private finish(end: SessionEnd): void {
    if (!this.end) {
      this.relay.stop();
      this.channel.close();
    }
    this.end ??= end;
    this.signal.wake();
  }

  async run(spaces: string[]): Promise<SessionEnd> {
    await this.subscribe(spaces);
    this.nextPullAt = Date.now() + (this.opts.pullIntervalMs ?? 30_000);
    for (;;) {
      if (this.end || this.hooks.isStopped()) return this.end ?? { kind: 'stopped' };
      if (this.replicatedQueue.length > 0) {
        await applyReplicated(this.db, this.replicatedQueue.splice(0));
        continue;
      }
      const space = this.pullQueue.values().next().value;
      if (space !== undefined) {
        this.pullQueue.delete(space);
        // One at a time with the space's live applies, so the stored cursor covers what is stored.
        await this.pullOr(
          () =>
            this.live.exclusive(space, () =>
              pullSpace(this.db, this.t, space, { ...this.pullOptions, only: { records: true }, onCursor: (c) => this.live.pulled(space, c) }),
            ),
          () => this.subscribed.delete(space),
        );
        continue;
      }
      // Our own writes go before document pulls: a collaborator sees an edit when its push
      // is relayed, while a document pull only stores what the relay already showed.
      if (this.pushDue && Date.now() >= this.retryAt) {
        await this.pushOnce(PIPELINED_BATCHES);
        continue;
      }
      const docEntry = this.docPullQueue.entries().next().value;
      if (docEntry !== undefined) {
        const [k, d] = docEntry;
        this.docPullQueue.delete(k);
        await this.pullOr(
          () => pullSpace(this.db, this.t, d.space, { ...this.pullOptions, only: { doc: d.doc } }),
          () => this.docs.delete(k),
        );
        continue;
      }
      if (Date.now() >= this.nextPullAt) {
        this.nextPullAt = Date.now() + (this.opts.pullIntervalMs ?? 30_000);
        this.requestPull(this.subscribed);
        for (const [k, d] of this.docs) this.docPullQueue.set(k, d);
        continue;
      }
      if (this.pushDue && Date.now() >= this.retryAt) {
        await this.pushOnce(PIPELINED_BATCHES);
        continue;
      }
      const idle = Math.min(this.opts.pollIntervalMs ?? 2000, Math.max(1, this.nextPullAt - Date.now()));
      const waitMs = this.pushDue ? Math.max(1, Math.min(idle, this.retryAt - Date.now())) : idle;
      await this.signal.wait(waitMs);
      if (!this.pushDue && Date.now() >= this.retryAt) this.pushDue = true;
    }
  }

  /**
   * Pushes the outbox with up to `maxInFlight` batches in flight: while the
   * oldest reply is outstanding, rows written since (a kick) go out at once
   * instead of waiting for it — so a collaborator's relay follows each edit,
   * not the push round trip. Order between batches does not matter (Yjs
   * updates commute, records merge by HLC, op ids make re-sends safe).
   * Replies are applied in send order. Stops sending after a batch that did
   * not come back all `ok`, when pulls are waiting, or after `MAX_BATCHES`;
   * always waits for every reply it started. Returns how many batches it sent.
   */
  /**
   * Runs one pull. A retryable failure ends the session (the engine reconnects);
   * any other (e.g. the read role was withdrawn) drops what was being pulled
   * (`forget`) and is reported, and the session goes on.
   */
  private async pullOr(pull: () => Promise<unknown>, forget: () => void): Promise<void> {
    try {
      await pull();
      this.hooks.onPulled();
    } catch (err) {
      const e = toSyncError(err);
      if (e.retryable) throw e;
      forget();
      this.hooks.onError(e);
    }
  }

  private async pushOnce(maxInFlight: number): Promise<number> {
    const max = Math.min(this.opts.batchSize ?? Infinity, this.welcome.limits?.maxBatch ?? 500);
    const first = await this.readBatch(max, this.includeAccepted);
    if (!first) {
      this.includeAccepted = false;
      this.pushDue = false;
      return 0;
    }
    this.includeAccepted = false;
    const inflight: { batch: PushBatch; sent: Promise<PushReply> }[] = [];
    const start = (batch: PushBatch) => {
      const sent = this.send(batch);
      // If an earlier reply fails we never await this one: its failure must not surface as unhandled.
      sent.catch(() => undefined);
      inflight.push({ batch, sent });
    };
    start(first);
    let lastSeq = first.lastSeq;
    let sentCount = 1;
    let sending = true;
    /** Reads the outbox rows after the last batch sent and sends them; false when there were none. */
    const sendNext = async (): Promise<boolean> => {
      const next = await this.readBatch(max, false, lastSeq);
      if (!next) return false;
      start(next);
      lastSeq = next.lastSeq;
      sentCount++;
      return true;
    };
    const canSend = () => sending && !this.end && sentCount < MAX_BATCHES && this.pullQueue.size === 0 && this.replicatedQueue.length === 0;
    while (inflight.length > 0) {
      const head = inflight[0]!;
      if (canSend() && inflight.length < maxInFlight) {
        // A full batch means more is waiting: send it now. Otherwise wait for a kick or the reply.
        const more = inflight.at(-1)!.batch.rows.length >= max;
        if (!more) {
          const kicked = await Promise.race([
            head.sent.then(
              () => false,
              () => false,
            ),
            new Promise<boolean>((r) => (this.onKick = () => r(true))),
          ]);
          this.onKick = null;
          if (kicked && canSend()) {
            await sendNext();
            continue;
          }
        } else if (await sendNext()) {
          continue;
        }
      }
      const reply = await head.sent;
      inflight.shift();
      const allOk = reply.results.length === head.batch.rows.length && reply.results.every((r) => r.status === 'ok');
      if (!allOk) sending = false;
      const outcome = await applyPushResults(this.db, head.batch.rows, reply.results, this.replicatedSeen, reply.ack);
      this.hooks.onPushed(outcome);
      if (outcome.retry > 0) {
        this.retryAt = Date.now() + backoffDelay(this.retryStep++, { baseMs: this.opts.retryBaseMs ?? 200, maxMs: this.opts.retryMaxMs ?? 2000 }, this.opts.random);
      } else {
        this.retryStep = 0;
      }
    }
    return sentCount;
  }

  /** Sends a batch; a non-retryable whole-request failure comes back as per-op results. */
  private async send(batch: PushBatch): Promise<PushReply> {
    try {
      return await this.t.request('push', { changes: batch.changes, ...(batch.ack ? { ack: batch.ack } : {}) }, this.timeout);
    } catch (err) {
      const e = toSyncError(err);
      // A whole-request failure says nothing per op: resend later, same op ids.
      if (e.retryable) throw e;
      const reply: PushReply = { ack: batch.ack ?? 'sync', results: batch.rows.map((r) => ({ opId: r.opId, status: 'rejected', error: e.toWire() })) };
      if (batch.rows.length > 1) {
        // Find the culprit instead of dead-lettering the whole batch: retry one by one.
        reply.results = reply.results.map((r) => ({ ...r, status: 'indeterminate' as const }));
        this.opts = { ...this.opts, batchSize: 1 };
      }
      return reply;
    }
  }
}
