/**
 * Validation and the stored (JSON) form of ops. Every node stores an op as
 * the same JSON text, with a Yjs update as base64, so the op log of any node
 * can repair any other node.
 */
import { isHlc, SyncError, type Json } from '@syncline/shared';
import type { StoredOp } from './StorageNode.js';
import { sharesCaches } from './nodeSharing.js';

function badOp(index: number, why: string): SyncError {
  return new SyncError('INVALID_MESSAGE', `op #${index} rejected by storage: ${why}`);
}

// NUL is refused in names because PostgreSQL text cannot hold it; refusing it
// on every node keeps the nodes from disagreeing about which ops are valid.
function checkName(value: unknown, what: string, index: number): void {
  if (typeof value !== 'string' || value.length === 0) throw badOp(index, `${what} must be a non-empty string`);
  if (value.includes('\u0000')) throw badOp(index, `${what} must not contain NUL`);
}

/**
 * Op objects that passed: the replicator hands the same objects to every
 * node, and an op is not changed after validation, so in-thread nodes check
 * each op once (issue 14).
 */
const valid = new WeakSet<object>();

/**
 * Throws INVALID_MESSAGE for anything a node must not store. `remember`:
 * whether to remember a valid op for the next node of this thread
 * (nodeSharing.ts; default: when this thread shares caches).
 */
export function validateOp(op: StoredOp, index: number, remember = sharesCaches()): void {
  if (op === null || typeof op !== 'object') throw badOp(index, 'not an object');
  if (!remember) return checkOp(op, index);
  if (valid.has(op)) return;
  checkOp(op, index);
  valid.add(op);
}

function checkOp(op: StoredOp, index: number): void {
  checkName(op.opId, 'opId', index);
  checkName(op.space, 'space', index);
  switch (op.kind) {
    case 'put':
    case 'delete':
      checkName(op.table, 'table', index);
      checkName(op.id, 'id', index);
      if (typeof op.hlc !== 'string' || !isHlc(op.hlc)) throw badOp(index, 'hlc is not an HLC stamp');
      if (op.kind === 'put') {
        if (op.fields === null || typeof op.fields !== 'object' || Array.isArray(op.fields)) throw badOp(index, 'fields must be an object');
        if (op.unset !== undefined && (!Array.isArray(op.unset) || op.unset.some((f) => typeof f !== 'string')))
          throw badOp(index, 'unset must be a list of field names');
      }
      return;
    case 'yjs':
      checkName(op.doc, 'doc', index);
      if (!(op.update instanceof Uint8Array)) throw badOp(index, 'update must be binary');
      return;
    default:
      throw badOp(index, `unknown kind ${JSON.stringify((op as { kind?: unknown }).kind)}`);
  }
}

/** Plain Uint8Array view (drivers hand back Buffers; callers compare with Uint8Array). */
export function toBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A Buffer sharing the bytes (drivers want Buffers). */
export function toBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The op as stored: only its known fields, in a fixed shape. */
export function encodeOp(op: StoredOp): string {
  switch (op.kind) {
    case 'put': {
      const out: Record<string, unknown> = {
        kind: op.kind,
        opId: op.opId,
        space: op.space,
        table: op.table,
        id: op.id,
        hlc: op.hlc,
        fields: op.fields,
      };
      if (op.unset !== undefined) out.unset = op.unset;
      return JSON.stringify(out);
    }
    case 'delete':
      return JSON.stringify({ kind: op.kind, opId: op.opId, space: op.space, table: op.table, id: op.id, hlc: op.hlc });
    case 'yjs':
      return JSON.stringify({
        kind: op.kind,
        opId: op.opId,
        space: op.space,
        doc: op.doc,
        update: toBuffer(op.update).toString('base64'),
      });
  }
}

export function decodeOp(text: string): StoredOp {
  return fromStored(JSON.parse(text) as Record<string, Json>);
}

/** An op from its stored JSON already parsed (a Yjs update back from base64). */
export function fromStored(raw: Record<string, Json>): StoredOp {
  if (raw.kind === 'yjs') raw.update = toBytes(Buffer.from(raw.update as string, 'base64')) as never;
  return raw as unknown as StoredOp;
}
