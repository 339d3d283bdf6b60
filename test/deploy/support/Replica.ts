/**
 * A minimal sync client over a raw socket: subscribes to one space and
 * pulls after its cursor only when poked or sent `changes` (or when told to), keeping the
 * records it has seen. It never polls on its own, so a test can tell a poke
 * that arrived from one that did not.
 */
import type { Socket } from 'socket.io-client';
import type { PokeMessage, PullReply } from '@syncline/shared';
import { request } from '../../helpers/syncClient.js';
import { sleep } from './WriteLoop.js';

export class Replica {
  readonly records = new Map<string, Record<string, unknown>>();
  /** performance.now() of every poke for our space. */
  readonly pokes: number[] = [];
  private cursor: string | null = null;
  private pulling: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly socket: Socket,
    readonly space: string,
    private readonly opts: { pullOnPoke?: boolean } = {},
  ) {
    // A `changes` message (live delivery of the committed rows) counts as a poke here: this
    // replica does not apply delivered rows, it pulls after its cursor on either.
    const onPoke = (m: PokeMessage) => {
      if (m?.space !== space) return;
      this.pokes.push(performance.now());
      if (this.opts.pullOnPoke ?? true) void this.pull().catch(() => undefined);
    };
    socket.on('poke', onPoke);
    socket.on('changes', onPoke);
  }

  async subscribe(): Promise<void> {
    await request(this.socket, 'subscribe', { spaces: [this.space] });
  }

  /** Pulls every page after the cursor; concurrent calls coalesce into one more round. */
  pull(): Promise<void> {
    if (this.pulling) {
      this.again = true;
      return this.pulling;
    }
    this.pulling = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const page = await request<PullReply>(this.socket, 'pull', { space: this.space, cursor: this.cursor, limit: 500 });
            for (const r of page.records) {
              const fields = Object.fromEntries(Object.entries(r.state.fields).map(([k, v]) => [k, (v as { v: unknown }).v]));
              this.records.set(r.id, fields);
            }
            this.cursor = page.cursor;
            if (!page.hasMore) break;
          }
        } while (this.again);
      } finally {
        this.pulling = undefined;
      }
    })();
    return this.pulling;
  }

  missing(ids: Iterable<string>): string[] {
    return [...ids].filter((id) => !this.records.has(id));
  }

  /** Waits until every id is held (without pulling unless `pullEveryMs` is given). */
  async waitForAll(ids: string[], timeoutMs: number, pullEveryMs?: number): Promise<number> {
    const t0 = performance.now();
    let lastPull = t0;
    while (this.missing(ids).length > 0) {
      if (performance.now() - t0 > timeoutMs) {
        const miss = this.missing(ids);
        throw new Error(
          `replica of ${this.space} misses ${miss.length} of ${ids.length} after ${timeoutMs} ms, e.g. ${miss.slice(0, 5).join(',')}`,
        );
      }
      if (pullEveryMs !== undefined && performance.now() - lastPull >= pullEveryMs) {
        lastPull = performance.now();
        await this.pull().catch(() => undefined);
      }
      await sleep(25);
    }
    return performance.now() - t0;
  }
}
