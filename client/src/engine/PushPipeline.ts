/**
 * A session's push side: when the outbox is due (a wake, or a retry delay
 * passed) and the pipelined push itself (`pushOnce`). Per session: a new
 * connection starts with the accepted-but-unreplicated ops re-sent first and
 * no retry delay.
 */
import { toSyncError, type PushReply } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { applyPushResults, type PushOutcome } from './applyPushResults.js';
import { backoffDelay } from './backoff.js';
import type { EngineOptions } from './EngineOptions.js';
import { readPushBatch, toChange, type PushBatch } from './readPushBatch.js';
import type { EagerPush } from './EagerPush.js';
import type { Transport } from './Transport.js';

/** Batches one pushOnce sends before queued pulls and notices get a turn. */
const MAX_BATCHES = 64;

export interface PushPipelineDeps {
  db: Dexie;
  t: Transport;
  opts: Pick<EngineOptions, 'batchSize' | 'retryBaseMs' | 'retryMaxMs' | 'random'>;
  /** The server's `maxBatch` (welcome limits), if it sent one. */
  serverMaxBatch: number | undefined;
  timeoutMs: number;
  /** Op ids the server said are replicated (applyPushResults marks them so). */
  replicatedSeen: ReadonlySet<string>;
  /** True when sending more must wait: the session ended, or pulls or notices are queued. */
  mustYield: () => boolean;
  onPushed: (outcome: PushOutcome) => void;
  /** Run after each reply is applied (the session applies `replicated` messages received meanwhile). */
  betweenReplies?: () => Promise<void>;
  /** Document edits pushed ahead of their outbox rows (EagerPush.ts): their rows are not sent again. */
  eager?: EagerPush;
}

export class PushPipeline {
  private due = true;
  /** Kicks so far (a read that found nothing clears `due` only if none came meanwhile). */
  private kicks = 0;
  private includeAccepted = true;
  private retryStep = 0;
  private retryAt = 0;
  /** After a batch the server refused as a whole: send one op at a time to find the culprit. */
  private oneByOne = false;
  /** Set while pushOnce waits for a reply: new outbox rows can go out before it. */
  private onKick: (() => void) | null = null;
  /** Op ids of the batches sent and not yet applied. */
  private readonly unapplied = new Set<string>();
  /** Stamps (HLC) of the record ops among them. */
  private readonly unappliedStamps = new Set<string>();

  constructor(private readonly d: PushPipelineDeps) {}

  /** The outbox has new rows. */
  kick(): void {
    this.due = true;
    this.kicks++;
    this.onKick?.();
  }

  /** Look at the outbox again when the loop next gets a turn (an eager push settled); no extra read now. */
  markDue(): void {
    this.due = true;
    this.kicks++;
  }

  /** Whether this op was sent and its reply is still to be applied (a `replicated` message for it is then taken into account there). */
  awaitsAck(opId: string): boolean {
    return this.unapplied.has(opId);
  }

  /** Whether a record op with this stamp was sent and its reply is still to be applied (applyPushResults will fold it into `_state`). */
  awaitsStamp(hlc: string): boolean {
    return this.unappliedStamps.has(hlc);
  }

  /** Whether a push should run now. */
  ready(now = Date.now()): boolean {
    return this.due && now >= this.retryAt;
  }

  /** How long the scheduler may sleep, given its own idle wait. */
  waitMs(idle: number): number {
    return this.due ? Math.max(1, Math.min(idle, this.retryAt - Date.now())) : idle;
  }

  /** After a sleep: the outbox is looked at again once any retry delay passed (signals are hints). */
  afterWait(): void {
    if (!this.due && Date.now() >= this.retryAt) this.due = true;
  }

  /**
   * Pushes the outbox with up to `maxInFlight` requests awaiting their reply
   * (and at most twice that many batches sent and not yet applied): while the
   * oldest reply is outstanding, rows written since (a kick) go out at once
   * instead of waiting for it — so a collaborator's relay follows each edit,
   * not the push round trip. Order between batches does not matter (Yjs
   * updates commute, records merge by HLC, op ids make re-sends safe).
   * Replies are applied in send order; the next full batch goes out before a
   * reply is applied, so the server works while the client stores acks, and
   * `betweenReplies` runs after each. Stops sending after a batch that did
   * not come back all `ok`, when `mustYield`, or after `MAX_BATCHES`;
   * always waits for every reply it started. Returns how many batches it sent.
   */
  async pushOnce(maxInFlight: number): Promise<number> {
    try {
      return await this.pushRound(maxInFlight);
    } finally {
      // A round that failed part-way leaves no op marked as awaiting its ack.
      this.unapplied.clear();
      this.unappliedStamps.clear();
    }
  }

  private async pushRound(maxInFlight: number): Promise<number> {
    const max = Math.min(this.oneByOne ? 1 : (this.d.opts.batchSize ?? Infinity), this.d.serverMaxBatch ?? 500);
    const kicksBefore = this.kicks;
    const first = await this.readBatch(max, this.includeAccepted);
    if (!first) {
      this.includeAccepted = false;
      // A kick that came while we read may name rows the read did not see: stay due.
      if (this.kicks === kicksBefore) this.due = false;
      return 0;
    }
    this.includeAccepted = false;
    // Batches sent and not yet applied, oldest first; `answered` once their reply (or failure) is in.
    const inflight: { batch: PushBatch; sent: Promise<PushReply>; answered: boolean }[] = [];
    const start = (batch: PushBatch) => {
      const entry = { batch, sent: this.send(batch), answered: false };
      // If an earlier reply fails we never await this one: its failure must not surface as unhandled.
      entry.sent.then(
        () => (entry.answered = true),
        () => (entry.answered = true),
      );
      inflight.push(entry);
      for (const r of batch.rows) {
        this.unapplied.add(r.opId);
        if (r.kind !== 'yjs') this.unappliedStamps.add(r.hlc);
      }
      lastFull = batch.rows.length >= max;
    };
    /** The last batch sent was full: more is probably waiting. */
    let lastFull = false;
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
    const canSend = () => sending && sentCount < MAX_BATCHES && !this.d.mustYield();
    // Up to `maxInFlight` requests awaiting their reply: a reply that came back but is not applied yet
    // does not hold the server up (it used to: replies stored slower than the server answered left it idle).
    // Unapplied batches stay bounded too.
    const hasRoom = () => inflight.filter((e) => !e.answered).length < maxInFlight && inflight.length < 2 * maxInFlight;
    /** Sends full batches while there is room; false if the outbox had nothing more. */
    const fill = async (): Promise<void> => {
      while (canSend() && hasRoom() && lastFull) if (!(await sendNext())) return;
    };
    while (inflight.length > 0) {
      const head = inflight[0]!;
      await fill();
      if (canSend() && hasRoom() && !lastFull) {
        // The last batch was not full: wait for a kick (new rows) or the reply.
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
      }
      const reply = await head.sent;
      inflight.shift();
      const allOk = reply.results.length === head.batch.rows.length && reply.results.every((r) => r.status === 'ok');
      if (!allOk) sending = false;
      // Refill before applying: the server works on the next batches while this reply is stored.
      await fill();
      let outcome: PushOutcome;
      try {
        outcome = await applyPushResults(this.d.db, head.batch.rows, reply.results, this.d.replicatedSeen, reply.ack);
      } finally {
        for (const r of head.batch.rows) {
          this.unapplied.delete(r.opId);
          this.unappliedStamps.delete(r.hlc);
        }
      }
      this.d.onPushed(outcome);
      if (outcome.retry > 0) {
        const { retryBaseMs, retryMaxMs, random } = this.d.opts;
        this.retryAt = Date.now() + backoffDelay(this.retryStep++, { baseMs: retryBaseMs ?? 200, maxMs: retryMaxMs ?? 2000 }, random);
      } else {
        this.retryStep = 0;
      }
      await this.d.betweenReplies?.();
    }
    return sentCount;
  }

  /**
   * The next outbox batch to send: rows whose eager push is in flight are
   * left out, rows it already got answered have that reply applied here.
   * `lastSeq` is the last row read (sent or not). Null when nothing is left to send.
   */
  private async readBatch(max: number, includeAccepted: boolean, afterSeq?: number): Promise<(PushBatch & { lastSeq: number }) | null> {
    for (;;) {
      const read = await readPushBatch(this.d.db, max, includeAccepted, afterSeq);
      if (!read) return null;
      const lastSeq = read.rows.at(-1)!.seq!;
      if (!this.d.eager) return { ...read, lastSeq };
      const { send, answered } = this.d.eager.partition(read.rows);
      for (const a of answered) this.d.onPushed(await applyPushResults(this.d.db, a.rows, a.results, this.d.replicatedSeen, a.ack));
      if (send.length === read.rows.length) return { ...read, lastSeq };
      if (send.length > 0) return { rows: send, ack: read.ack, changes: send.map(toChange), lastSeq };
      afterSeq = lastSeq;
    }
  }

  /** Sends a batch; a non-retryable whole-request failure comes back as per-op results. */
  private async send(batch: PushBatch): Promise<PushReply> {
    try {
      return await this.d.t.request('push', { changes: batch.changes, ...(batch.ack ? { ack: batch.ack } : {}) }, this.d.timeoutMs);
    } catch (err) {
      const e = toSyncError(err);
      // A whole-request failure says nothing per op: resend later, same op ids.
      if (e.retryable) throw e;
      const reply: PushReply = {
        ack: batch.ack ?? 'sync',
        results: batch.rows.map((r) => ({ opId: r.opId, status: 'rejected', error: e.toWire() })),
      };
      if (batch.rows.length > 1) {
        // Find the culprit instead of dead-lettering the whole batch: retry one by one.
        reply.results = reply.results.map((r) => ({ ...r, status: 'indeterminate' as const }));
        this.oneByOne = true;
      }
      return reply;
    }
  }
}
