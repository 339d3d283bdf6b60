/**
 * Disconnects a socket when its token expires: emits `sync_error` with
 * UNAUTHORIZED (the client fetches a new token and reconnects), then
 * closes. setTimeout cannot wait longer than ~24.8 days, so long waits
 * re-arm instead of firing at once.
 */
import type { SynclineSocket as Socket } from '../socket/ioTypes.js';
import { Events, SyncError } from '@syncline/shared';

const MAX_TIMER_MS = 2 ** 31 - 1;

export function expireConnection(socket: Socket, expiresAt: number, now: () => number = Date.now): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = expiresAt - now();
    if (wait > 0) {
      timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
      timer.unref();
      return;
    }
    socket.emit(Events.error, new SyncError('UNAUTHORIZED', 'token expired; reconnect with a fresh token').toWire());
    socket.disconnect(true);
  };
  arm();
  return () => clearTimeout(timer);
}
