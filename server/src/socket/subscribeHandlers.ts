/** `subscribe` / `unsubscribe`: join or leave the rooms that receive pokes. */
import type { Socket } from 'socket.io';
import { SubscribeRequestSchema, SyncError, type SubscribeReply } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import { roomOf, type ServerContext } from './ServerContext.js';
import { authorize } from './authorize.js';

const PREFIX = roomOf('');

export function subscribedSpaces(socket: Socket): string[] {
  return [...socket.rooms].filter((r) => r.startsWith(PREFIX)).map((r) => r.slice(PREFIX.length));
}

export async function handleSubscribe(ctx: ServerContext, conn: ConnectionContext, socket: Socket, payload: unknown): Promise<SubscribeReply> {
  const { spaces } = SubscribeRequestSchema.parse(payload);
  const current = new Set(subscribedSpaces(socket));
  const added = [...new Set(spaces)].filter((s) => !current.has(s));
  if (current.size + added.length > ctx.opts.limits.maxSubscriptions) {
    throw new SyncError('INVALID_MESSAGE', `at most ${ctx.opts.limits.maxSubscriptions} subscriptions per connection`);
  }
  // All or nothing: a forbidden space fails the request before any room is joined.
  for (const space of added) await authorize(ctx, conn, space, 'read');
  await socket.join(added.map(roomOf));
  return { spaces: subscribedSpaces(socket) };
}

export async function handleUnsubscribe(socket: Socket, payload: unknown): Promise<SubscribeReply> {
  const { spaces } = SubscribeRequestSchema.parse(payload);
  for (const space of spaces) await socket.leave(roomOf(space));
  return { spaces: subscribedSpaces(socket) };
}
