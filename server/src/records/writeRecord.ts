/**
 * PUT / PATCH / DELETE of one record over HTTP, through the same write
 * pipeline as a socket push (write/writeChanges.ts): same authorization
 * (the `service` role), validation hooks, HLC and clock rules, replicator,
 * ack modes and outcomes. The server stamps the HLC. The Idempotency-Key
 * becomes the op id `<http:subject>:<key>`, so a retry, to this server or
 * another, has exactly one effect and answers the first outcome (G1).
 *
 * PUT replaces: a delete stamped just before the put of the new fields, in
 * one atomic call (both ops are written in one batch per node, and refused
 * together), so fields the body lacks are gone and nothing is half-applied.
 */
import { randomUUID } from 'node:crypto';
import type { AckMode, Change, Json, OpResult } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import type { ServerContext } from '../socket/ServerContext.js';
import { liveAfterWrite } from '../socket/pushHandler.js';
import { writeChanges } from '../write/writeChanges.js';

export type WriteKind = 'put' | 'patch' | 'delete';

export interface RecordWrite {
  kind: WriteKind;
  space: string;
  table: string;
  id: string;
  /** PUT: the record; PATCH: fields to set, `null` = remove the field. */
  body?: Record<string, Json>;
  key?: string;
  ack?: AckMode;
}

/** The JSON answer of a write: the op's outcome (G0). */
export interface WriteAnswer {
  status: OpResult['status'];
  opId: string;
  /** The Idempotency-Key the op id was made from (generated when the request had none). */
  key: string;
  /** The ack mode applied. */
  ack: AckMode;
  /** The stamp the write is stored under (ok only). */
  hlc?: string;
  replicated?: boolean;
  degraded?: boolean;
  error?: OpResult['error'];
}

export function changesOf(w: RecordWrite, opId: string, now: () => string): Change[] {
  const base = { space: w.space, table: w.table, id: w.id };
  if (w.kind === 'delete') return [{ kind: 'delete', opId, ...base, hlc: now() }];
  const entries = Object.entries(w.body ?? {});
  if (w.kind === 'patch') {
    const fields = Object.fromEntries(entries.filter(([, v]) => v !== null));
    const unset = entries.filter(([, v]) => v === null).map(([k]) => k);
    return [{ kind: 'put', opId, ...base, hlc: now(), fields, ...(unset.length ? { unset } : {}) }];
  }
  const del: Change = { kind: 'delete', opId: `${opId}#replace`, ...base, hlc: now() };
  return [del, { kind: 'put', opId, ...base, hlc: now(), fields: Object.fromEntries(entries) }];
}

export async function writeRecord(ctx: ServerContext, conn: ConnectionContext, w: RecordWrite): Promise<WriteAnswer> {
  const key = w.key ?? randomUUID();
  const opId = `${conn.clientId}:${key}`;
  const changes = changesOf(w, opId, () => ctx.clock.now());
  const out = await ctx.inflight.run(() =>
    writeChanges(ctx, conn, changes, { ack: w.ack, action: 'service', atomic: true, stampNode: null }),
  );
  out.afterReply();
  liveAfterWrite(ctx, changes, out.results);
  return { ...answerOf(out.results, out.written, out.ack, opId), key };
}

/** One answer for the request's ops: the worst outcome wins (rejected > indeterminate > ok). */
function answerOf(results: OpResult[], written: (Change | undefined)[], ack: AckMode, opId: string): Omit<WriteAnswer, 'key'> {
  const worst = results.find((r) => r.status === 'rejected') ?? results.find((r) => r.status === 'indeterminate');
  if (worst) return { status: worst.status, opId, ack, error: worst.error };
  const last = results[results.length - 1]!;
  const change = written[written.length - 1];
  const answer: Omit<WriteAnswer, 'key'> = { status: 'ok', opId, ack, replicated: results.every((r) => r.replicated === true) };
  const hlc = last.hlc ?? (change && change.kind !== 'yjs' ? change.hlc : undefined);
  if (hlc) answer.hlc = hlc;
  if (results.some((r) => r.degraded)) answer.degraded = true;
  return answer;
}
