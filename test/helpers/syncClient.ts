/**
 * socket.io-client connections with the Syncline handshake, plus a promise
 * wrapper for request/ack events.
 *
 * ```ts
 * const s = await connectClient(srv.url, { clientId: 'c1' });
 * const reply = await request<PushReply>(s, 'push', { changes: [...] });
 * s.close();
 * ```
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Welcome } from '@syncline/shared';

export interface ClientOptions {
  clientId?: string;
  protocol?: number;
  token?: string;
  /** Replace the whole handshake auth payload (bad-input tests). */
  auth?: unknown;
}

let counter = 0;

export function makeClient(url: string, opts: ClientOptions = {}): Socket {
  const auth = opts.auth ?? {
    clientId: opts.clientId ?? `test-${process.pid}-${++counter}`,
    protocol: opts.protocol ?? PROTOCOL_VERSION,
    ...(opts.token ? { token: opts.token } : {}),
  };
  return io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: auth as Record<string, unknown> });
}

/** Connects and resolves with the socket and the server's `welcome`. */
export function connectClient(url: string, opts: ClientOptions = {}): Promise<Socket & { welcome: Welcome }> {
  const socket = makeClient(url, opts);
  return new Promise((resolve, reject) => {
    socket.once('welcome', (welcome: Welcome) => resolve(Object.assign(socket, { welcome })));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Emits with an ack and resolves with the reply (rejects after `timeoutMs`). */
export function request<T = unknown>(socket: Socket, event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/** Resolves with the next `event` message, or rejects after `timeoutMs`. */
export function nextEvent<T = unknown>(
  socket: Socket,
  event: string,
  timeoutMs = 5000,
  filter: (msg: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (msg: T) => {
      if (!filter(msg)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(msg);
    };
    socket.on(event, on);
  });
}

/**
 * Resolves with the next message telling `socket` that `space` changed:
 * live delivery (`changes`, the committed rows) or a `poke` (the first
 * write of a space on a server, failover, the seq watcher). Rejects after `timeoutMs`.
 */
export function nextDelivery(
  socket: Socket,
  space: string,
  timeoutMs = 5000,
): Promise<{ event: 'poke' | 'changes'; msg: { space: string } }> {
  return new Promise((resolve, reject) => {
    const offAll = () => {
      clearTimeout(timer);
      socket.off('poke', onPoke);
      socket.off('changes', onChanges);
    };
    const timer = setTimeout(() => {
      offAll();
      reject(new Error(`no poke or changes for ${space} within ${timeoutMs} ms`));
    }, timeoutMs);
    const make = (event: 'poke' | 'changes') => (msg: { space: string }) => {
      if (msg?.space !== space) return;
      offAll();
      resolve({ event, msg });
    };
    const onPoke = make('poke');
    const onChanges = make('changes');
    socket.on('poke', onPoke);
    socket.on('changes', onChanges);
  });
}
