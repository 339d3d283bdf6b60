/**
 * Pull cursors: `<nodeId>:<seq>`, opaque to clients. A seq is only meaningful
 * on the node that issued it (every node numbers its own changes), so the
 * cursor carries the node id and a pull on another node restarts at 0
 * (see docs/ack-modes.md, "Cursors on failover").
 */
import { SyncError } from '@syncline/shared';

export interface Cursor {
  nodeId: string;
  seq: number;
}

export function encodeCursor(nodeId: string, seq: number): string {
  return `${nodeId}:${seq}`;
}

export function decodeCursor(cursor: string): Cursor {
  // Node ids may contain ':' (e.g. a postgres URL); the seq never does.
  const at = cursor.lastIndexOf(':');
  const seqText = at > 0 ? cursor.slice(at + 1) : '';
  if (!/^\d{1,15}$/.test(seqText)) throw new SyncError('INVALID_MESSAGE', `malformed cursor "${cursor.slice(0, 80)}"`);
  return { nodeId: cursor.slice(0, at), seq: Number(seqText) };
}

/** Where to start pulling on `nodeId` given a client's cursor. */
export function startSeq(cursor: string | null | undefined, nodeId: string): { afterSeq: number; reset: boolean } {
  if (cursor === null || cursor === undefined || cursor === '') return { afterSeq: 0, reset: false };
  const c = decodeCursor(cursor);
  return c.nodeId === nodeId ? { afterSeq: c.seq, reset: false } : { afterSeq: 0, reset: true };
}
