/**
 * Rows of the internal tables Syncline adds to the app's Dexie database.
 * They are plain JSON so any tab or the sync Worker can read them.
 */
import type { AckMode, Json, RecordState, WireError } from '@syncline/shared';

/** How long an outbox row is kept: until the server accepted it, or until every node has it. */
export type KeepUntil = 'accepted' | 'replicated';

export interface OutboxRow {
  /** Auto-increment key: the order writes were made in. */
  seq?: number;
  opId: string;
  /** `yjs`: a document update; its `table` is `_docs`, `id` the doc id, `hlc` empty. */
  kind: 'put' | 'delete' | 'yjs';
  space: string;
  table: string;
  id: string;
  hlc: string;
  /** The Yjs update of a `yjs` row. */
  update?: Uint8Array;
  fields?: Record<string, Json>;
  unset?: string[];
  /** `pending` until the server answered `ok`; `accepted` while waiting for `replicated`. */
  status: 'pending' | 'accepted';
  keep: KeepUntil;
  /** Ack mode asked of the server for this write (the server may cap it). */
  ack?: AckMode;
  createdAt: number;
  /** Times it was sent and came back indeterminate or retryable-rejected. */
  attempts: number;
  lastError?: WireError;
  /** Set on writes made through `sync.write()`: their outcome is recorded in `_outcomes`. */
  writeId?: string;
}

/**
 * Where one op of a `sync.write()` stands. `retrying`: refused or unanswered
 * for now (the error is retryable), the engine sends it again.
 */
export interface OutcomeRow {
  opId: string;
  writeId: string;
  status: 'retrying' | 'accepted' | 'replicated' | 'rejected';
  /** Mode the write asked for (`null`: the server's default). */
  asked: AckMode | null;
  /** Mode the server applied (`PushReply.ack`), once accepted. */
  applied?: AckMode;
  /** Acked with fewer nodes than `applied` asks (server `--fallback degrade`). */
  degraded?: boolean;
  /** `applied` is weaker than `asked` (server `--max-ack`). */
  capped?: boolean;
  error?: WireError;
  /** When this row last changed (rows older than a day are pruned). */
  at: number;
}
/** A write the server refused for good, kept so it is never silently dropped. */
export interface RejectedRow extends OutboxRow {
  rejectedAt: number;
  error: WireError;
}

export interface StateRow {
  table: string;
  id: string;
  space: string;
  /** What the servers hold, as far as this client knows. */
  server: RecordState;
  /** `server` merged with every pending local write: what the app table shows. */
  state: RecordState;
}

export interface MetaRow {
  key: string;
  value: Json;
}
