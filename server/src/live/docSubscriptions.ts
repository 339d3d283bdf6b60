/**
 * `subscribe_docs` / `unsubscribe_docs`: per-document rooms. Opening a
 * document subscribes to that document only, so a space with many
 * documents does not send every update of every document to every client.
 * Subscribing needs the read role in the space (checked before joining).
 */
import type { SynclineSocket as Socket } from '../socket/ioTypes.js';
import { SubscribeDocsRequestSchema, SyncError, type SubscribeDocsReply } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import type { ServerContext } from '../socket/ServerContext.js';
import { authorize } from '../socket/authorize.js';
import { docRoom, isDocRoom, parseDocRoom } from './rooms.js';

/** Documents per connection: ten per allowed space subscription. */
export function maxDocSubscriptions(ctx: ServerContext): number {
  return ctx.opts.limits.maxSubscriptions * 10;
}

function docsOf(socket: Socket, space: string): string[] {
  const out: string[] = [];
  for (const room of socket.rooms) {
    const d = parseDocRoom(room);
    if (d && d.space === space) out.push(d.doc);
  }
  return out;
}

export async function handleSubscribeDocs(
  ctx: ServerContext,
  conn: ConnectionContext,
  socket: Socket,
  payload: unknown,
): Promise<SubscribeDocsReply> {
  const { space, docs } = SubscribeDocsRequestSchema.parse(payload);
  const rooms = [...new Set(docs.map((d) => docRoom(space, d)))].filter((r) => !socket.rooms.has(r));
  const held = [...socket.rooms].filter(isDocRoom).length;
  if (held + rooms.length > maxDocSubscriptions(ctx)) {
    throw new SyncError('INVALID_MESSAGE', `at most ${maxDocSubscriptions(ctx)} document subscriptions per connection`);
  }
  await authorize(ctx, conn, space, 'read');
  await socket.join(rooms);
  return { space, docs: docsOf(socket, space) };
}

export async function handleUnsubscribeDocs(socket: Socket, payload: unknown): Promise<SubscribeDocsReply> {
  const { space, docs } = SubscribeDocsRequestSchema.parse(payload);
  for (const d of docs) await socket.leave(docRoom(space, d));
  return { space, docs: docsOf(socket, space) };
}
