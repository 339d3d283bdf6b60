/**
 * A well-behaved client running beside the fuzzer: it pushes a numbered
 * record, pulls its space and checks the record is there, in a loop, and
 * records anything that goes wrong.
 */
import type { Socket } from 'socket.io-client';
import { materialize, type PullReply, type PushReply } from '@syncline/shared';
import { request } from '../../helpers/syncClient.js';
import { ChangeMaker } from '../../helpers/changes.js';

export class WellBehaved {
  rounds = 0;
  readonly failures: string[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  private cursor: string | null = null;
  private readonly seen = new Map<string, unknown>();
  private readonly maker: ChangeMaker;

  constructor(
    private readonly socket: Socket,
    clientId: string,
    private readonly space: string,
  ) {
    this.maker = new ChangeMaker(clientId);
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.round().catch((e: unknown) => this.failures.push(String(e)));
        await new Promise((r) => setTimeout(r, 20)); // steady, not a second fuzzer
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async round(): Promise<void> {
    const n = ++this.rounds;
    const put = this.maker.put(this.space, `r${n % 50}`, { n });
    const reply = await request<PushReply>(this.socket, 'push', { changes: [put] });
    if (reply.results?.[0]?.status !== 'ok') throw new Error(`push ${n}: ${JSON.stringify(reply)}`);
    for (let more = true; more;) {
      const page = await request<PullReply>(this.socket, 'pull', { space: this.space, cursor: this.cursor });
      if (!Array.isArray(page.records)) throw new Error(`pull ${n}: ${JSON.stringify(page)}`);
      for (const r of page.records) this.seen.set(r.id, materialize(r.state)?.n);
      this.cursor = page.cursor;
      more = page.hasMore;
    }
    if (this.seen.get(`r${n % 50}`) !== n) throw new Error(`round ${n}: pulled ${String(this.seen.get(`r${n % 50}`))}, wrote ${n}`);
  }
}
