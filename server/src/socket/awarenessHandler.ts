/**
 * `awareness`: ephemeral presence for a document, relayed to the other
 * members of the space's room (on every server, through the adapter) and
 * never stored. Fire-and-forget: the ack is optional.
 */
import type { Socket } from 'socket.io';
import { AwarenessMessageSchema, Events, SyncError } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import { roomOf, type ServerContext } from './ServerContext.js';
import { authorize } from './authorize.js';

export async function handleAwareness(ctx: ServerContext, conn: ConnectionContext, socket: Socket, payload: unknown): Promise<{ ok: true }> {
  const msg = AwarenessMessageSchema.parse(payload);
  if (msg.update.byteLength > ctx.opts.limits.maxRecordBytes) {
    throw new SyncError('PAYLOAD_TOO_LARGE', `awareness update over ${ctx.opts.limits.maxRecordBytes} bytes`);
  }
  await authorize(ctx, conn, msg.space, 'read');
  socket.to(roomOf(msg.space)).emit(Events.awareness, msg);
  return { ok: true };
}
