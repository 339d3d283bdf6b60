/**
 * The wire protocol (documented in docs/PROTOCOL.md). The server validates
 * every incoming message with these schemas; types are inferred from them or
 * declared beside them so client and server share one definition.
 */
import { z } from 'zod';
import { AckModes, type RecordRow, type DocRow } from './changes.js';
import type { WireError } from './errors.js';
import { isHlc } from './hlc.js';
import { RESYNC_MAX_BUCKETS, RESYNC_MIN_BUCKETS } from './resyncSummary.js';

export const PROTOCOL_VERSION = 1;

/** Default limits; a server may configure its own and reports them in `welcome`. */
export const DEFAULT_LIMITS = {
  maxBatch: 500,
  maxRecordBytes: 64 * 1024,
  maxMessageBytes: 4 * 1024 * 1024,
  maxPullLimit: 1000,
  maxSubscriptions: 100,
} as const;

/** A lone surrogate or a NUL: storage would replace it (U+FFFD) or refuse it, changing a key or losing a write. */
const ILL_FORMED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\0/;
export function isWellFormedName(s: string): boolean {
  return !ILL_FORMED.test(s);
}
const wellFormed = [isWellFormedName, 'must be well-formed UTF-16 without NUL'] as const;
const name = z
  .string()
  .min(1)
  .max(256)
  .refine(...wellFormed);
const opId = z
  .string()
  .min(3)
  .max(300)
  .regex(/^[^:\s]+:\d+$/, 'opId must be <clientId>:<counter>')
  .refine(...wellFormed);
const hlc = z.string().max(300).refine(isHlc, 'invalid HLC stamp');
const fieldName = z
  .string()
  .min(1)
  .max(256)
  .refine(...wellFormed);
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected binary data');

export const AckModeSchema = z.enum(AckModes);

export const PutChangeSchema = z.strictObject({
  kind: z.literal('put'),
  opId,
  space: name,
  table: name,
  id: name,
  hlc,
  fields: z.record(fieldName, z.json()),
  unset: z.array(fieldName).max(1000).optional(),
});

export const DeleteChangeSchema = z.strictObject({
  kind: z.literal('delete'),
  opId,
  space: name,
  table: name,
  id: name,
  hlc,
});

export const DocChangeSchema = z.strictObject({
  kind: z.literal('yjs'),
  opId,
  space: name,
  doc: name,
  update: bytes,
});

export const ChangeSchema = z.discriminatedUnion('kind', [PutChangeSchema, DeleteChangeSchema, DocChangeSchema]);

/** Handshake `auth` payload of the Socket.IO connection. */
export const HandshakeSchema = z.object({
  clientId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[^:\s]+$/, 'clientId must not contain ":" or spaces')
    .refine(...wellFormed),
  protocol: z.number().int(),
  token: z
    .string()
    .max(16 * 1024)
    .optional(),
});
export type Handshake = z.infer<typeof HandshakeSchema>;

export const PushRequestSchema = z.strictObject({
  changes: z.array(ChangeSchema).min(1),
  /** Requested ack mode; the server may cap it by policy. */
  ack: AckModeSchema.optional(),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

/** The push envelope alone: the server validates each change on its own so one bad op rejects only that op. */
export const PushEnvelopeSchema = z.strictObject({
  changes: z.array(z.unknown()).min(1),
  ack: AckModeSchema.optional(),
});

export const PullRequestSchema = z.strictObject({
  space: name,
  /** Opaque cursor from a previous pull; absent or null pulls from the start. */
  cursor: z.string().max(512).nullable().optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
  /**
   * Resync after a primary failover (docs/failover.md): `true` says the client
   * can send a summary of what it holds, which the server asks for
   * (`needSummary`) when the cursor names another node; the summary itself is
   * one digest per bucket (resyncSummary.ts).
   */
  resync: z
    .union([
      z.literal(true),
      z
        .array(z.string().regex(/^[0-9a-f]{16}$/, 'a bucket digest is 16 hex digits'))
        .min(RESYNC_MIN_BUCKETS)
        .max(RESYNC_MAX_BUCKETS),
    ])
    .optional(),
  /**
   * Narrow the pull (docs/PROTOCOL.md "Live delivery"): `{ records: true }` only record rows,
   * `{ doc }` only that document's updates. Absent: everything of the space (protocol 1 behaviour).
   * A cursor from a filtered pull is only meaningful for the same filter.
   */
  only: z.union([z.strictObject({ records: z.literal(true) }), z.strictObject({ doc: name })]).optional(),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;
/** A pull filter: only record rows, or only one document's updates. */
export type PullOnly = NonNullable<PullRequest['only']>;

export const SubscribeRequestSchema = z.strictObject({
  spaces: z.array(name).min(1).max(1000),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequestSchema>;

/** `subscribe_docs` / `unsubscribe_docs`: per-document rooms for relayed Yjs updates. */
export const SubscribeDocsRequestSchema = z.strictObject({
  space: name,
  docs: z.array(name).min(1).max(1000),
});
export type SubscribeDocsRequest = z.infer<typeof SubscribeDocsRequestSchema>;

export interface SubscribeDocsReply {
  space: string;
  /** Every document of the space this connection is now subscribed to. */
  docs: string[];
}

export const AwarenessMessageSchema = z.strictObject({
  space: name,
  doc: name,
  update: bytes,
});
export type AwarenessMessage = z.infer<typeof AwarenessMessageSchema>;

/** Per-op outcome of a push (DESIGN G0). */
export type OpStatus = 'ok' | 'rejected' | 'indeterminate';

export interface OpResult {
  opId: string;
  status: OpStatus;
  /** Present when rejected or indeterminate. */
  error?: WireError;
  /** Acked under an operator-configured fallback with fewer nodes than the mode asks (G2). */
  degraded?: boolean;
  /** The stamp the server stored when it re-stamped a change from a clock too far ahead. */
  hlc?: string;
  /** Already replicated to every node when acked. */
  replicated?: boolean;
}

export interface PushReply {
  results: OpResult[];
  /** The ack mode the server applied (after capping by policy). */
  ack: (typeof AckModes)[number];
}

export interface PullReply {
  space: string;
  records: RecordRow[];
  docs: DocRow[];
  cursor: string;
  hasMore: boolean;
  /**
   * The cursor names a node that is no longer the primary: send the pull
   * again, same cursor, with `resync` set to the summary of this space.
   * The reply carries no rows.
   */
  needSummary?: true;
}

export interface SubscribeReply {
  spaces: string[];
}

/** Any request's reply when the request as a whole failed. */
export interface ErrorReply {
  error: WireError;
}

export interface Welcome {
  serverId: string;
  protocol: number;
  ack: (typeof AckModes)[number];
  limits: typeof DEFAULT_LIMITS;
  /** Optional protocol features this server understands (a client sends their fields only then), e.g. `resync`. */
  features?: string[];
}

/** Features a server lists in `welcome.features`. */
export const Features = { resync: 'resync' } as const;

/** Event names (client -> server requests use Socket.IO acknowledgements). */
export const Events = {
  push: 'push',
  pull: 'pull',
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  awareness: 'awareness',
  subscribeDocs: 'subscribe_docs',
  unsubscribeDocs: 'unsubscribe_docs',
  // server -> client
  welcome: 'welcome',
  poke: 'poke',
  replicated: 'replicated',
  drain: 'drain',
  error: 'sync_error',
  changes: 'changes',
  docUpdate: 'doc_update',
} as const;

/**
 * Live delivery of committed record rows (docs/PROTOCOL.md): every record row of
 * `space` with a seq in (`fromSeq`, `toSeq`] on node `node` is in `records`
 * (rows at or before the message's range are absent). A receiver whose records
 * cursor on `node` is at or past `fromSeq` may move it to `toSeq`.
 */
export interface ChangesMessage {
  space: string;
  node: string;
  fromSeq: number;
  toSeq: number;
  records: RecordRow[];
}

/** A validated, authorized Yjs update relayed to the document's other subscribers (no seq: pull persists it). */
export interface DocUpdateMessage {
  space: string;
  doc: string;
  update: Uint8Array;
}

export interface PokeMessage {
  space: string;
}
export interface ReplicatedMessage {
  opIds: string[];
}
export interface DrainMessage {
  reason: string;
  /** Suggested delay before reconnecting elsewhere. */
  retryInMs: number;
}

export function isErrorReply(x: unknown): x is ErrorReply {
  return typeof x === 'object' && x !== null && 'error' in x;
}
