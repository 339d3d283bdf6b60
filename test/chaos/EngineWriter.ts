/**
 * A real Syncline client (the @syncline/client engine over fake-indexeddb)
 * that writes unique, checkable records: record `e<i>-<n>` with `{ v: n }`,
 * written once. It can be cut off (its connection dropped) or taken offline
 * for a while (every connect attempt fails, as with no network).
 */
import 'fake-indexeddb/auto';
import { Dexie, type Table } from 'dexie';
import { createSyncline, OUTBOX, REJECTED, SocketIoTransport, type OutboxRow, type Syncline, type Transport } from '@syncline/client';
import { SyncError, type Handshake, type Welcome } from '@syncline/shared';
import { AckLatencyProbe } from './ackLatency.js';

export const SPACE = 'chaos';

export interface Item {
  id: string;
  [field: string]: unknown;
}

/** A transport that refuses to connect while its client is offline. */
class SwitchableTransport implements Transport {
  readonly inner = new SocketIoTransport();
  constructor(private readonly isOffline: () => boolean) {}
  connect(url: string, auth: Handshake, timeoutMs: number): Promise<Welcome> {
    if (this.isOffline()) return Promise.reject(new SyncError('INTERNAL', 'offline (chaos)'));
    return this.inner.connect(url, auth, timeoutMs);
  }
  request: Transport['request'] = (event, payload, timeoutMs) => this.inner.request(event, payload, timeoutMs);
  on: Transport['on'] = (event, handler) => this.inner.on(event, handler);
  onClose(handler: (reason: string) => void): void {
    this.inner.onClose(handler);
  }
  close(): void {
    this.inner.close();
  }
}

export class EngineWriter {
  readonly db: Dexie & { items: Table<Item, string> };
  readonly sync: Syncline;
  readonly written: string[] = [];
  readonly latency: AckLatencyProbe;
  offline = false;
  private current: SwitchableTransport | undefined;
  private n = 0;

  constructor(
    readonly name: string,
    servers: string[],
    keepUntil: 'accepted' | 'replicated',
    tuning: 'tuned' | 'defaults' = 'tuned',
  ) {
    this.db = new Dexie(`chaos-${name}-${process.pid}-${Date.now()}`) as EngineWriter['db'];
    this.db.version(1).stores({ items: 'id' });
    this.latency = new AckLatencyProbe(this.db, () => this.offline);
    this.sync = createSyncline(this.db, {
      tables: ['items'],
      servers,
      defaultSpace: SPACE,
      clientId: name,
      keepUntil,
      leaderElection: false,
      transport: () => (this.current = new SwitchableTransport(() => this.offline)),
      engine:
        tuning === 'defaults'
          ? {}
          : {
              pollIntervalMs: 200,
              pullIntervalMs: 1000,
              backoff: { baseMs: 50, maxMs: 1000 },
              retryBaseMs: 50,
              requestTimeoutMs: 6000,
              connectTimeoutMs: 3000,
            },
    });
  }

  async writeOne(): Promise<void> {
    const n = ++this.n;
    const id = `${this.name}-${n}`;
    await this.db.items.put({ id, v: n });
    this.latency.wrote(id, Date.now());
    this.written.push(id);
  }

  drop(): void {
    this.current?.inner.drop();
  }

  goOffline(): void {
    this.offline = true;
    this.drop();
  }

  /** Ids of this client's writes still in the outbox, and ones the server refused for good. */
  async unacked(): Promise<{ pending: Set<string>; rejected: Set<string> }> {
    const pending = await this.db.table<OutboxRow>(OUTBOX).toArray();
    const rejected = await this.db.table<OutboxRow>(REJECTED).toArray();
    return {
      pending: new Set(pending.filter((r) => r.status === 'pending').map((r) => r.id)),
      rejected: new Set(rejected.map((r) => r.id)),
    };
  }

  async items(): Promise<Item[]> {
    return this.db.items.toArray();
  }

  async close(): Promise<void> {
    await this.sync.close();
    this.db.close();
    await Dexie.delete(this.db.name).catch(() => undefined);
  }
}
