/**
 * Registers a request/response event. The reply goes through the Socket.IO
 * acknowledgement; anything the handler throws becomes `{ error: WireError }`,
 * so no client input can crash the server or leave a request unanswered.
 * A request sent without an ack callback is dropped (nobody could learn its
 * outcome), unless the event is fire-and-forget (`ackOptional`).
 */
import type { SynclineSocket as Socket } from './ioTypes.js';
import { SyncError, type RequestEvent, type WireError } from '@syncline/shared';
import type { ServerContext } from './ServerContext.js';
import { toWireError } from './wireErrors.js';

/** A reply plus work to do once the reply has been handed to the transport. */
export class ReplyThen<T> {
  constructor(
    readonly reply: T,
    readonly afterReply: () => void,
  ) {}
}

type Ack = (reply: unknown) => void;
export type RequestHandler = (payload: unknown) => Promise<unknown>;

export function onRequest(
  socket: Socket,
  ctx: ServerContext,
  event: RequestEvent,
  handler: RequestHandler,
  opts: { ackOptional?: boolean } = {},
): void {
  socket.on(event, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    if (!ack && !opts.ackOptional) {
      ctx.metrics.recordError(event, 'NO_ACK');
      return;
    }
    const payload = ack ? (args.length > 1 ? args[0] : undefined) : args[0];
    void serve(ctx, event, handler, payload).then((out) => {
      if (!ack) return;
      const isThen = out instanceof ReplyThen;
      try {
        ack(isThen ? out.reply : out);
      } catch (err) {
        ctx.logger.warn({ err, event }, 'ack failed');
      }
      if (isThen) out.afterReply();
    });
  });
}

async function serve(ctx: ServerContext, event: string, handler: RequestHandler, payload: unknown): Promise<unknown> {
  try {
    if (ctx.isDraining()) throw new SyncError('SERVER_DRAINING', 'server is draining; reconnect to another server');
    return await handler(payload);
  } catch (err) {
    const error: WireError = toWireError(err);
    ctx.metrics.recordError(event, error.code);
    if (error.code === 'INTERNAL' || error.code === 'STORAGE_ERROR') ctx.logger.error({ err, event }, 'request failed');
    return { error };
  }
}
