/** `subscribe` / `unsubscribe`: join or leave the rooms that receive pokes. */
import type { SynclineSocket as Socket } from './ioTypes.js';
import { SubscribeRequestSchema, SyncError, type SubscribeReply } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import { roomOf, type ServerContext } from './ServerContext.js';
import { authorize } from './authorize.js';

const PREFIX = roomOf('');

export function subscribedSpaces(socket: Socket): string[] {
  return [...socket.rooms].filter((r) => r.startsWith(PREFIX)).map((r) => r.slice(PREFIX.length));
}

/**
 * Spaces of subscribes still being authorized, per socket. They count
 * against the limit at once: with only joined rooms counted, 300 concurrent
 * subscribes all passed the check before any joined (issue 13 F9).
 */
const reserved = new WeakMap<Socket, Set<string>>();

export async function handleSubscribe(
  ctx: ServerContext,
  conn: ConnectionContext,
  socket: Socket,
  payload: unknown,
): Promise<SubscribeReply> {
  const { spaces } = SubscribeRequestSchema.parse(payload);
  const pending = reserved.get(socket) ?? new Set<string>();
  reserved.set(socket, pending);
  const current = new Set(subscribedSpaces(socket));
  const added = [...new Set(spaces)].filter((s) => !current.has(s) && !pending.has(s));
  if (current.size + pending.size + added.length > ctx.opts.limits.maxSubscriptions) {
    throw new SyncError('INVALID_MESSAGE', `at most ${ctx.opts.limits.maxSubscriptions} subscriptions per connection`);
  }
  for (const space of added) pending.add(space);
  try {
    // All or nothing: a forbidden space fails the request before any room is joined.
    for (const space of added) await authorize(ctx, conn, space, 'read');
    await socket.join(added.map(roomOf));
  } finally {
    for (const space of added) pending.delete(space);
  }
  return { spaces: subscribedSpaces(socket) };
}

export async function handleUnsubscribe(socket: Socket, payload: unknown): Promise<SubscribeReply> {
  const { spaces } = SubscribeRequestSchema.parse(payload);
  for (const space of spaces) await socket.leave(roomOf(space));
  return { spaces: subscribedSpaces(socket) };
}
