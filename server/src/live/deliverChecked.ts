/**
 * Delivery of live data with the read check made per receiving connection,
 * at delivery time. Rooms are joined after a read check, but an app's
 * `onAuthorize` rule may revoke access while the connection lives; data
 * (rows, Yjs updates) must then stop at once, not at the next reconnect.
 *
 * So data is not broadcast to the room blindly: each server delivers to its
 * own members of the room, each after `authorize(read)` for the space; a
 * member that fails it is removed from the space's rooms. Other servers get
 * the message through the adapter (`serverSideEmit`) and do the same.
 */
import { emitMessage, type SynclineIo as Server, type SynclineSocket as Socket } from '../socket/ioTypes.js';
import type { ConnectionContext } from '../Extension.js';
import type { ServerEvent } from '@syncline/shared';

export const LIVE_EVENT = 'syncline:live';

export interface LiveEnvelope {
  room: string;
  space: string;
  event: ServerEvent;
  payload: unknown;
  /** Socket id that must not receive it (the writer of a relayed update). */
  except?: string;
}

export interface CheckedDeliveryOptions {
  io: Server;
  /** Whether messages must also go to other servers (an adapter is set up). */
  crossServer: boolean;
  /** Resolves when the connection may read the space; rejects otherwise. */
  mayRead(conn: ConnectionContext, space: string): Promise<void>;
  /** A member was refused: forget its rooms of that space. */
  onRefused?(socket: Socket, space: string): void;
  onError?(err: unknown): void;
}

export class CheckedDelivery {
  readonly stats = { delivered: 0, refused: 0 };

  constructor(private readonly opts: CheckedDeliveryOptions) {
    if (opts.crossServer) opts.io.on(LIVE_EVENT as 'connection', ((env: LiveEnvelope) => this.local(env)) as never);
  }

  send(env: LiveEnvelope): void {
    this.local(env);
    if (!this.opts.crossServer) return;
    try {
      this.opts.io.serverSideEmit(LIVE_EVENT, env);
    } catch (err) {
      // The adapter lost its link (e.g. Redis down): other servers' clients pull (seq watcher, timers).
      this.opts.onError?.(err);
    }
  }

  /** Delivers to this server's members of the room, each after its read check. */
  local(env: LiveEnvelope): void {
    const nsp = this.opts.io.of('/');
    const ids = nsp.adapter.rooms.get(env.room);
    if (!ids) return;
    for (const id of ids) {
      if (id === env.except) continue;
      const socket = nsp.sockets.get(id);
      const conn = socket?.data.ctx as ConnectionContext | undefined;
      if (!socket || !conn) continue;
      this.opts.mayRead(conn, env.space).then(
        () => {
          this.stats.delivered++;
          emitMessage(socket, env.event, env.payload);
        },
        () => {
          this.stats.refused++;
          this.opts.onRefused?.(socket, env.space);
        },
      );
    }
  }
}
