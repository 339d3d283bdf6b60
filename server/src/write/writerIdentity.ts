/**
 * Per-op writer identity (docs/security.md "Writer identity"): an op id must
 * be `<clientId>:<n>` of the connection that sends it, and the node part of
 * a put/delete stamp must be that client id, so nobody writes into another
 * client's op-id namespace (its later writes would be taken for duplicates)
 * or under another client's HLC node (to win ties as someone else). The
 * socket's client id is bound to its token (auth/bindClientId.ts); HTTP
 * writes are `http:<sub>` and stamped by the server itself.
 */
import { SyncError, decodeHlc, type Change } from '@syncline/shared';

export function writerProblem(change: Change, clientId: string, stampNode: string | null = clientId): SyncError | undefined {
  if (!change.opId.startsWith(`${clientId}:`)) {
    return new SyncError('IDENTITY_MISMATCH', `op ${change.opId.slice(0, 300)} does not belong to client ${clientId}`, { clientId });
  }
  if (stampNode !== null && change.kind !== 'yjs' && decodeHlc(change.hlc).node !== stampNode) {
    return new SyncError('IDENTITY_MISMATCH', `op ${change.opId} is stamped by another HLC node; the node part must be ${stampNode}`, {
      clientId,
    });
  }
  return undefined;
}
