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
 *
 * This class is the scheduler: `run` picks the next piece of work by
 * priority. The pull queues are PullQueues.ts, the pipelined push is
 * PushPipeline.ts.
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
  type ReplicatedMessage,
  type Welcome,
} from '@syncline/shared';
import type { Dexie } from 'dexie';
import type { PushOutcome } from './applyPushResults.js';
import { applyReplicated } from './applyReplicated.js';
import { DEFAULT_MAX_EAGER_PUSHES, type EngineOptions } from './EngineOptions.js';
import { pullSpace } from './pullSpace.js';
import { PullQueues, type DocRef } from './PullQueues.js';
import { PushPipeline } from './PushPipeline.js';
import { EagerPush } from './EagerPush.js';
import { Signal } from './Signal.js';
import type { Transport } from './Transport.js';
import { LiveReceiver } from './LiveReceiver.js';
import { DocRelay } from '../docs/DocRelay.js';
import { DocChannel } from '../docs/DocChannel.js';

/** Push batches in flight at once (pipelined). */
const PIPELINED_BATCHES = 4;
/** Drops the oldest entries (insertion order) past MAX_KEPT_SEQS. */
function trim(m: Set<string> | Map<string, unknown>): void {
  let drop = m.size - MAX_KEPT_SEQS;
  if (drop <= 0) return;
  for (const k of m.keys()) {
    if (drop-- <= 0) break;
    m.delete(k);
  }
}

/** How long a queued space pull waits while a push pipeline runs (then it runs between two replies). */
const PUSH_AHEAD_OF_PULL_MS = 1000;
/** Outbox keys of accepted ops remembered per session (beyond: looked up by op id). */
const MAX_KEPT_SEQS = 100_000;

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
  private readonly pulls = new PullQueues(() => this.signal.wake());
  private readonly push: PushPipeline;
  readonly eager: EagerPush;
  private readonly channel: DocChannel;
  readonly live: LiveReceiver;
  readonly relay: DocRelay;
  private readonly replicatedQueue: string[] = [];
  private readonly replicatedSeen = new Set<string>();
  /** Outbox keys of ops this session saw accepted and kept until replicated (applyReplicated reads them by key). */
  private readonly keptSeqs = new Map<string, number>();
  /** Stamps of own writes whose acks were folded into `_state` this session (pulls skip them: applyServerRows). */
  private readonly folded = new Set<string>();
  /** Own stamps a pulled or live record may be skipped for (applyServerRows `own`): folded, or in an ack still to apply. */
  private readonly ownStamps = { has: (t: string) => this.folded.has(t) || this.push.awaitsStamp(t) };
  /** Op ids whose ack found them already replicated (their row and outcome are final): applyReplicated skips them. */
  private readonly replicatedDone = new Set<string>();
  private end: SessionEnd | null = null;
  private nextPullAt = 0;

  constructor(
    private readonly db: Dexie,
    private readonly t: Transport,
    private readonly opts: EngineOptions,
    private readonly clientId: string,
    private readonly welcome: Welcome,
    private readonly hooks: SessionHooks,
  ) {
    this.eager = new EagerPush({
      send: (change, ack) => t.request('push', { changes: [change], ...(ack ? { ack } : {}) }, this.timeout),
      settled: () => {
        this.push.markDue();
        this.signal.wake();
      },
      maxInFlight: opts.maxEagerPushes ?? DEFAULT_MAX_EAGER_PUSHES,
    });
    this.push = new PushPipeline({
      db,
      t,
      opts,
      serverMaxBatch: welcome.limits?.maxBatch,
      timeoutMs: this.timeout,
      replicatedSeen: this.replicatedSeen,
      // Neither `replicated` messages nor queued pulls stop the pipeline: they get their turn between
      // its replies (betweenReplies). During a catch-up the server pokes our spaces after every batch, and
      // draining the pipeline for each poke left the server idle.
      mustYield: () => this.end !== null,
      onPushed: (outcome) => {
        for (const k of outcome.kept) this.keptSeqs.set(k.opId, k.seq);
        for (const t of outcome.folded) this.folded.add(t);
        for (const id of outcome.replicatedDone) this.replicatedDone.add(id);
        // Hints only (ops never reported replicated, a message that came before the ack): the oldest go.
        trim(this.keptSeqs);
        trim(this.folded);
        trim(this.replicatedDone);
        hooks.onPushed(outcome);
      },
      betweenReplies: () => this.betweenReplies(),
      eager: this.eager,
    });
    this.live = new LiveReceiver(db, {
      clientId,
      tables: opts.tables,
      requestPull: (space) => this.requestPull([space], false),
      maxRows: opts.maxLiveRows,
      own: this.ownStamps,
    });
    this.relay = new DocRelay({
      dbName: db.name,
      isOpen: (space, doc) => this.pulls.hasDoc(space, doc),
      requestPull: (space, doc) => this.requestDocPull(space, doc),
      persistMs: opts.docPersistMs,
      maxBytes: opts.maxLiveDocBytes,
    });
    this.channel = new DocChannel(db.name);
    this.channel.on((m) => {
      if (m.type === 'open') void this.openDoc(m.space, m.doc);
      if (m.type === 'gap') this.pulls.requestDoc(m.space, m.doc, true);
    });
    t.on('poke', (p) => this.requestPull([(p as PokeMessage).space]));
    t.on('changes', (m) => {
      const msg = m as ChangesMessage;
      if (this.pulls.subscribed.has(msg?.space)) this.live.offer(msg);
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
    this.push.kick();
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

  /** Pulls the spaces' records, and (unless `withDocs` is false) their open documents. */
  requestPull(spaces: Iterable<string>, withDocs = true): void {
    this.pulls.request(spaces, withDocs);
  }

  requestDocPull(space: string, doc: string): void {
    this.pulls.requestDoc(space, doc);
  }

  /** A tab opened the document: subscribe to it on this connection and pull it. */
  async openDoc(space: string, doc: string): Promise<void> {
    if (this.pulls.hasDoc(space, doc) || this.end) return;
    const ref = this.pulls.addDoc(space, doc)!;
    try {
      await this.t.request('subscribe_docs', { space, docs: [doc] }, this.timeout);
    } catch (err) {
      const e = toSyncError(err);
      if (e.code === 'FORBIDDEN' || e.code === 'UNAUTHORIZED') {
        this.pulls.dropDoc(space, doc);
        this.hooks.onError(e);
        return;
      }
      // A server without document rooms (UNKNOWN_EVENT), or a lost connection (the next
      // session subscribes again): the document is still pulled.
    }
    this.pulls.queueDoc(ref, true);
  }

  async subscribe(spaces: string[]): Promise<void> {
    const fresh = spaces.filter((s) => !this.pulls.subscribed.has(s));
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
    for (const s of fresh) this.pulls.subscribed.add(s);
    this.requestPull(fresh);
  }

  private get pullOptions() {
    return {
      clientId: this.clientId,
      tables: this.opts.tables,
      limit: Math.min(this.opts.pullLimit ?? Infinity, this.welcome.limits?.maxPullLimit ?? 1000),
      resync: this.welcome.features?.includes(Features.resync) === true,
      timeoutMs: this.timeout,
      own: this.ownStamps,
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

  /** The scheduler: one piece of work per turn, by priority, until the session ends. */
  async run(spaces: string[]): Promise<SessionEnd> {
    await this.subscribe(spaces);
    this.nextPullAt = Date.now() + (this.opts.pullIntervalMs ?? 30_000);
    for (;;) {
      if (this.end || this.hooks.isStopped()) return this.end ?? { kind: 'stopped' };
      if (this.replicatedQueue.length > 0) {
        await this.applyReplicated();
        continue;
      }
      const space = this.pulls.takeSpace();
      if (space !== undefined) {
        await this.pullRecords(space);
        continue;
      }
      // A document that was just opened or misses an update (a gap) is pulled before our
      // pushes: until then its user sees nothing, or nothing more, of that collaborator.
      const urgent = this.pulls.takeDoc(true);
      if (urgent !== undefined) {
        await this.pullDoc(urgent, true);
        continue;
      }
      // Our own writes go before the other document pulls: a collaborator sees an edit when its
      // push is relayed, while a persist pull only stores what the relay already showed.
      if (this.push.ready()) {
        await this.push.pushOnce(PIPELINED_BATCHES);
        continue;
      }
      const d = this.pulls.takeDoc();
      if (d !== undefined) {
        await this.pullDoc(d);
        continue;
      }
      if (Date.now() >= this.nextPullAt) {
        this.nextPullAt = Date.now() + (this.opts.pullIntervalMs ?? 30_000);
        this.pulls.requestAll();
        continue;
      }
      if (this.push.ready()) {
        await this.push.pushOnce(PIPELINED_BATCHES);
        continue;
      }
      const idle = Math.min(this.opts.pollIntervalMs ?? 2000, Math.max(1, this.nextPullAt - Date.now()));
      await this.signal.wait(this.push.waitMs(idle));
      this.push.afterWait();
    }
  }

  /** Pulls one document; `urgent` (a gap, a first pull): its open handles apply it before it is stored. */
  private pullDoc(d: DocRef, urgent = false): Promise<void> {
    return this.pullOr(
      () => pullSpace(this.db, this.t, d.space, { ...this.pullOptions, only: { doc: d.doc }, applyFirst: urgent }),
      () => this.pulls.dropDoc(d.space, d.doc),
    );
  }

  /** Pulls one space's records. */
  private async pullRecords(space: string): Promise<void> {
    // One at a time with the space's live applies, so the stored cursor covers what is stored.
    await this.pullOr(
      () =>
        this.live.exclusive(space, () =>
          pullSpace(this.db, this.t, space, {
            ...this.pullOptions,
            only: { records: true },
            onCursor: (c) => this.live.pulled(space, c),
          }),
        ),
      () => this.pulls.subscribed.delete(space),
    );
  }

  /**
   * Between two push replies: the `replicated` messages received so far, and a
   * space pull that waited PUSH_AHEAD_OF_PULL_MS — run there rather than by
   * stopping the pipeline, which would leave the server idle while it drains.
   */
  private async betweenReplies(): Promise<void> {
    await this.applyReplicated();
    if (this.pulls.spacesWaitedMs() < PUSH_AHEAD_OF_PULL_MS) return;
    const space = this.pulls.takeSpace();
    if (space !== undefined) await this.pullRecords(space);
  }

  /** Applies the `replicated` messages received so far. */
  private async applyReplicated(): Promise<void> {
    if (this.replicatedQueue.length === 0) return;
    const ids = this.replicatedQueue.splice(0);
    // Ops whose ack is still to be applied are left to it (it sees `replicatedSeen` and deletes them at once).
    const left = ids.filter((id) => !this.replicatedDone.delete(id) && !this.push.awaitsAck(id));
    await applyReplicated(this.db, left, this.keptSeqs);
    for (const id of left) this.keptSeqs.delete(id);
  }

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
}
