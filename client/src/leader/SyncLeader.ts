/**
 * Leadership and the tab relay: once the database is open, this tab is
 * elected (or not) to run the sync engine; while it leads it runs one and
 * sends its status to the other tabs, and while it does not it shows the
 * leader's. Outbox and space changes reach the engine whichever tab runs it.
 */
import type { Dexie } from 'dexie';
import type { AckMode, DocChange } from '@syncline/shared';
import type { EngineApi } from '../engine/EngineApi.js';
import { startEngine } from '../engine/startEngine.js';
import type { StatusStore } from '../status/StatusStore.js';
import type { SynclineOptions } from '../SynclineOptions.js';
import { electLeader, type Election } from './electLeader.js';
import { TabChannel } from './TabChannel.js';

export class SyncLeader {
  private engine: EngineApi | null = null;
  private election: Election | null = null;
  private starting: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly channel: TabChannel;

  constructor(
    private readonly db: Dexie,
    private readonly options: SynclineOptions,
    private readonly spaces: string[],
    private readonly status: StatusStore,
  ) {
    this.channel = new TabChannel(db.name);
    this.channel.on((m) => {
      if (m.type === 'outbox') this.engine?.kick();
      else if (m.type === 'spaces') void this.engine?.addSpaces(m.spaces);
      else if (m.type === 'status' && !this.engine) this.status.setEngineStatus(m.status);
    });
  }

  /** Once the database is open: take part in the election (or lead at once without one). */
  start(): void {
    const onChange = (v: boolean) => {
      this.starting = this.starting.then(() => this.become(v));
    };
    if (this.options.leaderElection === false) onChange(true);
    else this.election = electLeader(this.db.name, onChange, this.options.leaderElection ?? {});
  }

  /** The outbox has new rows: push them, from this tab or the leading one. */
  outboxChanged(): void {
    this.engine?.kick();
    this.channel.post({ type: 'outbox' });
  }

  /** Sends a document change at once if this tab runs the engine (EngineApi.pushNow); false if it did not. */
  pushNow(change: DocChange, ack?: AckMode): Promise<boolean> {
    return this.engine?.pushNow?.(change, ack) ?? Promise.resolve(false);
  }

  /** Spaces were stored: subscribe to them, from this tab or the leading one. */
  async spacesAdded(spaces: string[]): Promise<void> {
    await this.engine?.addSpaces(spaces);
    this.channel.post({ type: 'spaces', spaces });
  }

  /** Leaves the election and stops the engine if this tab runs it. */
  async close(): Promise<void> {
    this.closed = true;
    this.election?.close();
    await this.starting;
    const e = this.engine;
    this.engine = null;
    await e?.stop();
    this.channel.close();
  }

  private async become(isLeader: boolean): Promise<void> {
    this.status.setLeader(isLeader);
    if (isLeader && !this.engine && !this.closed) {
      this.engine = await startEngine(this.db, this.options, this.spaces);
      this.engine.onStatus((s) => {
        this.channel.post({ type: 'status', status: s });
        this.status.setEngineStatus(s);
      });
    } else if (!isLeader && this.engine) {
      const e = this.engine;
      this.engine = null;
      await e.stop();
    }
    this.status.refresh();
  }
}
