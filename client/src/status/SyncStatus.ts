import type { WireError } from '@syncline/shared';

export type ConnectionState = 'offline' | 'connecting' | 'online';

/** What the app can show: the leader's connection plus this database's outbox. */
export interface SyncStatus {
  state: ConnectionState;
  /** URL of the server connected to (or being tried). */
  server: string | null;
  /** Id the server reported in `welcome`. */
  serverId: string | null;
  /** Writes not yet accepted by a server. */
  pendingCount: number;
  /** Accepted writes kept until `replicated`. */
  awaitingReplicationCount: number;
  oldestPendingAgeMs: number | null;
  /** Writes refused for good, kept in `_rejected`. */
  rejectedCount: number;
  /** Writes acked `degraded` (fewer nodes than their mode asks; server `--fallback degrade`), ever, in this database. */
  degradedAckCount: number;
  /** Writes run in a weaker mode than they asked for (server `--max-ack`), ever, in this database. */
  cappedAckCount: number;
  lastPullAt: number | null;
  lastError: WireError | null;
  /** Whether this tab (or its Worker) is the one that syncs. */
  leader: boolean;
}

export function initialStatus(): SyncStatus {
  return {
    state: 'offline',
    server: null,
    serverId: null,
    pendingCount: 0,
    awaitingReplicationCount: 0,
    oldestPendingAgeMs: null,
    rejectedCount: 0,
    degradedAckCount: 0,
    cappedAckCount: 0,
    lastPullAt: null,
    lastError: null,
    leader: false,
  };
}

/** The part of the status the engine owns (the rest is read from the database). */
export type EngineStatus = Pick<SyncStatus, 'state' | 'server' | 'serverId' | 'lastPullAt' | 'lastError'>;
