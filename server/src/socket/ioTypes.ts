/**
 * The Socket.IO server and socket types with the protocol's event maps
 * (shared/src/events.ts): emits are checked against `ServerToClientEvents`;
 * what clients send arrives as `unknown` until its schema parses it.
 */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerWire, ServerEvent, ServerToClientEvents } from '@syncline/shared';

export type SynclineIo = Server<ClientToServerWire, ServerToClientEvents>;
export type SynclineSocket = Socket<ClientToServerWire, ServerToClientEvents>;

/**
 * Emits a message whose event name is known only at run time (live-delivery
 * envelopes, which may have crossed servers as JSON). The payload was built by
 * a Syncline server for that event; Socket.IO's overloads cannot check a
 * union of event names, so this is the one place that says so.
 */
export function emitMessage(target: { emit: unknown }, event: ServerEvent, msg: unknown): void {
  (target as { emit(event: ServerEvent, msg: unknown): unknown }).emit(event, msg);
}
