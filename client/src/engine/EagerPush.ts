/**
 * Eager pushes of document updates (docs/documents.md "Latency"): an open
 * document hands each flushed edit to the engine at once, with the op id its
 * outbox row will carry, and the engine sends it in a push of its own —
 * without waiting for the IndexedDB write, the outbox read or the pipeline
 * of batches. The server relays a validated update to the document's room
 * before it writes it, so a collaborator sees the edit one round trip after
 * it was made.
 *
 * The outbox stays the durable path: the row is written as always, and the
 * regular push loop asks `partition` which of the rows it read are already
 * taken care of — rows whose eager push is in flight are skipped (not sent
 * twice), rows whose eager push came back `ok` get that reply applied as if
 * the loop had sent them. Anything else (a refusal, an indeterminate result,
 * a lost connection, a reply that came before the row was read) simply
 * leaves the row to the loop, which re-sends it under the same op id: the
 * worst case is one duplicate push, never a lost or doubled write.
 *
 * At most `maxInFlight` eager pushes run at once per connection; past that,
 * edits take the regular (coalescing) path, which is the backpressure.
 */
import type { AckMode, Change, OpResult, PushReply } from '@syncline/shared';
import type { OutboxRow } from '../db/rows.js';

const MAX_ANSWERED = 1024;

export interface EagerAnswer {
  rows: OutboxRow[];
  results: OpResult[];
  ack: AckMode;
}

export interface EagerPushOptions {
  /** Sends one push (the session's transport request). */
  send(change: Change, ack: AckMode | undefined): Promise<PushReply>;
  /** An eager push settled: the push loop should look at the outbox again. */
  settled(): void;
  maxInFlight?: number;
}

export class EagerPush {
  private readonly inFlight = new Set<string>();
  private readonly answered = new Map<string, { result: OpResult; ack: AckMode }>();
  /** Counters (tests, benchmarks). */
  readonly stats = { sent: 0, applied: 0, fallbacks: 0, refused: 0 };

  constructor(private readonly opts: EagerPushOptions) {}

  /**
   * Sends `change` now unless too many are in flight. Resolves false at once
   * when it did not go out, true once its reply (or failure) came back.
   */
  offer(change: Change, ack: AckMode | undefined): Promise<boolean> {
    if (this.inFlight.size >= (this.opts.maxInFlight ?? 8) || this.inFlight.has(change.opId)) {
      this.stats.refused++;
      return Promise.resolve(false);
    }
    this.inFlight.add(change.opId);
    this.stats.sent++;
    return this.opts
      .send(change, ack)
      .then(
        (reply) => {
          const r = reply.results.find((x) => x.opId === change.opId);
          if (r?.status !== 'ok') {
            this.stats.fallbacks++;
            return;
          }
          this.answered.set(change.opId, { result: r, ack: reply.ack });
          // A reply whose row never shows up (its store failed; the edit was recorded anew) is forgotten eventually.
          if (this.answered.size > MAX_ANSWERED) this.answered.delete(this.answered.keys().next().value!);
        },
        () => {
          this.stats.fallbacks++;
        },
      )
      .then(() => {
        this.inFlight.delete(change.opId);
        this.opts.settled();
        return true;
      });
  }

  /**
   * Splits rows the push loop read: those to send, and the eagerly answered
   * ones with their replies (grouped by the mode the server applied).
   * Rows whose eager push is still in flight are in neither.
   */
  partition(rows: readonly OutboxRow[]): { send: OutboxRow[]; answered: EagerAnswer[] } {
    if (this.inFlight.size === 0 && this.answered.size === 0) return { send: [...rows], answered: [] };
    const send: OutboxRow[] = [];
    const byAck = new Map<AckMode, EagerAnswer>();
    for (const row of rows) {
      const done = this.answered.get(row.opId);
      if (done) {
        this.answered.delete(row.opId);
        this.stats.applied++;
        let group = byAck.get(done.ack);
        if (!group) byAck.set(done.ack, (group = { rows: [], results: [], ack: done.ack }));
        group.rows.push(row);
        group.results.push(done.result);
      } else if (!this.inFlight.has(row.opId)) {
        send.push(row);
      }
    }
    return { send, answered: [...byAck.values()] };
  }
}
