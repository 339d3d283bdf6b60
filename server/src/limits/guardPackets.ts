/**
 * A Socket.IO packet middleware that runs before any handler, for every
 * event (known or not):
 *  - per-connection message rate (token bucket): over it, a message with an
 *    ack callback is answered RATE_LIMITED (retryable, `details.retryInMs`),
 *    one without is dropped; a connection that keeps sending far beyond its
 *    limit is disconnected, since answering a flood costs the server too;
 *  - JSON shape (`checkJsonShape`): `__proto__` keys and deep nesting are
 *    answered INVALID_MESSAGE;
 *  - an event not in `known` is answered UNKNOWN_EVENT (and counted under
 *    the label `unknown`: event names are client-chosen, unbounded).
 */
import type { SynclineSocket as Socket } from '../socket/ioTypes.js';
import { SyncError, type WireError } from '@syncline/shared';
import { TokenBucket } from './TokenBucket.js';
import { checkJsonShape } from './unsafeKeys.js';

export interface PacketLimits {
  messagesPerSec: number;
  messageBurst: number;
  maxJsonDepth: number;
}

/**
 * A connection is closed when its refused messages outrun a second bucket,
 * ten times the allowed rate and burst: a client that merely runs a bit hot
 * gets RATE_LIMITED replies, a flood gets cut off.
 */
const FLOOD_FACTOR = 10;

export function guardPackets(
  socket: Socket,
  limits: PacketLimits,
  known: ReadonlySet<string>,
  onRefused: (event: string, code: WireError['code']) => void = () => {},
): void {
  const on = limits.messagesPerSec > 0;
  const burst = Math.max(1, limits.messageBurst);
  const bucket = on ? new TokenBucket(limits.messagesPerSec, burst) : undefined;
  const flood = on ? new TokenBucket(limits.messagesPerSec * FLOOD_FACTOR, burst * FLOOD_FACTOR) : undefined;
  socket.use((packet, next) => {
    const ack = typeof packet[packet.length - 1] === 'function' ? (packet[packet.length - 1] as (reply: unknown) => void) : undefined;
    const event = typeof packet[0] === 'string' && known.has(packet[0]) ? packet[0] : 'unknown';
    const refuse = (error: SyncError) => {
      onRefused(event, error.code);
      if (ack) ack({ error: error.toWire() });
    };
    if (bucket && !bucket.take()) {
      if (!flood!.take()) socket.disconnect(true);
      else refuse(new SyncError('RATE_LIMITED', `over ${limits.messagesPerSec} messages/s`, { retryInMs: bucket.waitMs() }));
      return;
    }
    try {
      checkJsonShape(packet.slice(1, ack ? -1 : undefined), limits.maxJsonDepth + 2);
    } catch (err) {
      refuse(err as SyncError);
      return;
    }
    if (event === 'unknown') {
      refuse(new SyncError('UNKNOWN_EVENT', `unknown event ${String(packet[0]).slice(0, 64)}`));
      return;
    }
    next();
  });
}
