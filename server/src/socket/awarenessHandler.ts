/**
 * `awareness`: ephemeral presence for a document, relayed to the other
 * members of the document's room — connections that opened it
 * (`subscribe_docs`), on every server through the adapter, each after its
 * read check at delivery time, like `doc_update` (live/deliverChecked.ts) —
 * and never stored. Fire-and-forget: the ack is optional. The update must be a
 * well-formed y-protocols awareness update; the clients it names are
 * remembered per socket, and when the socket disconnects the room gets an
 * update marking them gone (docs/documents.md). A connection may speak only
 * for awareness clients it introduced, and only for a bounded number of them
 * (awareness/PresenceRegistry.ts).
 */
import type { SynclineSocket as Socket } from './ioTypes.js';
import { AwarenessMessageSchema, Events, SyncError, type AwarenessMessage } from '@syncline/shared';
import type { ConnectionContext } from '../Extension.js';
import type { ServerContext } from './ServerContext.js';
import { docRoom } from '../live/rooms.js';
import { authorize } from './authorize.js';
import { decodeAwareness, encodeRemoval } from './awareness/decodeAwareness.js';
import { PresenceTracker } from './awareness/PresenceTracker.js';
import { PresenceRegistry } from './awareness/PresenceRegistry.js';

const trackers = new WeakMap<Socket, PresenceTracker>();
/** One presence registry per server (bounds and ownership: awareness/PresenceRegistry.ts). */
const registries = new WeakMap<ServerContext, PresenceRegistry>();

export async function handleAwareness(
  ctx: ServerContext,
  conn: ConnectionContext,
  socket: Socket,
  payload: unknown,
): Promise<{ ok: true }> {
  const msg = AwarenessMessageSchema.parse(payload);
  if (msg.update.byteLength > ctx.opts.limits.maxRecordBytes) {
    throw new SyncError('PAYLOAD_TOO_LARGE', `awareness update over ${ctx.opts.limits.maxRecordBytes} bytes`);
  }
  let entries;
  try {
    entries = decodeAwareness(msg.update);
  } catch {
    throw new SyncError('INVALID_MESSAGE', 'not an awareness update');
  }
  await authorize(ctx, conn, msg.space, 'read');
  const registry = registryOf(ctx);
  registry.claim(socket.id, conn.clientId, msg.space, msg.doc, entries);
  trackerOf(ctx, socket, registry).note(msg.space, msg.doc, entries);
  relayPresence(ctx, socket, msg);
  return { ok: true };
}

/**
 * To the document's room only: a client that opened document A gets no
 * presence of document B (a space with 100 documents would otherwise send
 * every cursor move to every client of the space).
 */
function relayPresence(ctx: ServerContext, sender: Socket, msg: AwarenessMessage): void {
  const room = docRoom(msg.space, msg.doc);
  if (ctx.live) ctx.live.delivery.send({ room, space: msg.space, event: Events.awareness, payload: msg, except: sender.id });
  else sender.to(room).emit(Events.awareness, msg);
}

function registryOf(ctx: ServerContext): PresenceRegistry {
  let r = registries.get(ctx);
  if (!r) registries.set(ctx, (r = new PresenceRegistry()));
  return r;
}

function trackerOf(ctx: ServerContext, socket: Socket, registry: PresenceRegistry): PresenceTracker {
  let t = trackers.get(socket);
  if (!t) {
    const tracker = (t = new PresenceTracker());
    trackers.set(socket, tracker);
    socket.once('disconnect', () => {
      for (const { space, doc, entries } of registry.release(socket.id, tracker.drain())) {
        if (entries.length === 0) continue;
        relayPresence(ctx, socket, { space, doc, update: encodeRemoval(entries) });
      }
    });
  }
  return t;
}
