/**
 * The tab's SyncStatus, composed from three sources: the engine's status (its
 * own if this tab leads, else relayed from the leader), the outbox counts (a
 * liveQuery) and whether this tab leads. Subscribers get every change.
 */
import { liveQuery, type Dexie } from 'dexie';
import type { WireError } from '@syncline/shared';
import type { SynclineLogger } from '../logger.js';
import { ObservableValue } from './Observable.js';
import { readOutboxStats, type OutboxStats } from './readOutboxStats.js';
import { initialStatus, type EngineStatus, type SyncStatus } from './SyncStatus.js';

export class StatusStore {
  private engineStatus: EngineStatus = { state: 'offline', server: null, serverId: null, lastPullAt: null, lastError: null };
  private stats: OutboxStats = {
    pendingCount: 0,
    awaitingReplicationCount: 0,
    oldestPendingAt: null,
    rejectedCount: 0,
    degradedAckCount: 0,
    cappedAckCount: 0,
  };
  private leader = false;
  private statsError: WireError | null = null;
  private readonly status = new ObservableValue<SyncStatus>(initialStatus());
  private statsSub: { unsubscribe(): void } | null = null;

  constructor(
    private readonly db: Dexie,
    private readonly logger: SynclineLogger,
  ) {}

  /** The status now (the pending age is computed at the call). */
  get(): SyncStatus {
    const { engineStatus, stats } = this;
    return {
      ...initialStatus(),
      ...engineStatus,
      lastError: this.statsError ?? engineStatus.lastError,
      pendingCount: stats.pendingCount,
      awaitingReplicationCount: stats.awaitingReplicationCount,
      rejectedCount: stats.rejectedCount,
      degradedAckCount: stats.degradedAckCount,
      cappedAckCount: stats.cappedAckCount,
      oldestPendingAgeMs: stats.oldestPendingAt === null ? null : Math.max(0, Date.now() - stats.oldestPendingAt),
      leader: this.leader,
    };
  }

  /** Calls `listener` now and on every change. Returns an unsubscribe function. */
  subscribe(listener: (s: SyncStatus) => void): () => void {
    return this.status.subscribe(listener);
  }

  /** Tells subscribers the status now. */
  refresh(): void {
    this.status.set(this.get());
  }

  setEngineStatus(s: EngineStatus): void {
    this.engineStatus = s;
    this.refresh();
  }

  /** Takes effect at the next refresh. */
  setLeader(leader: boolean): void {
    this.leader = leader;
  }

  /** Follows the outbox counts (once the database is open) until close(). */
  watchOutbox(): void {
    this.statsSub = liveQuery(() => readOutboxStats(this.db)).subscribe({
      next: (s) => {
        this.stats = s;
        this.refresh();
      },
      // The counts stop updating: say so in the status (lastError) and the log, not silently.
      error: (err: unknown) => {
        this.statsError = {
          code: 'INTERNAL',
          message: `reading the outbox counts failed: ${(err as Error)?.message ?? String(err)}`,
          retryable: false,
        };
        this.logger.error('Syncline: the status query failed; pending counts are no longer updated', err);
        this.refresh();
      },
    });
  }

  /** Reads the outbox counts now (the liveQuery may not have re-run yet). */
  async readOutboxNow(): Promise<void> {
    this.stats = await readOutboxStats(this.db);
    this.refresh();
  }

  close(): void {
    this.statsSub?.unsubscribe();
  }
}
