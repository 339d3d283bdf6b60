/**
 * The real transport: Socket.IO over WebSocket only (no long-polling, so no
 * sticky sessions are needed), with Socket.IO's own reconnection turned off —
 * reconnecting, and to which server, is the engine's decision.
 */
import {
  SyncError,
  isErrorReply,
  type ClientToServerEvents,
  type Handshake,
  type RequestEvent,
  type RequestMap,
  type ServerMessages,
  type ServerToClientEvents,
  type WireError,
  type Welcome,
} from '@syncline/shared';
import { io, type Socket } from 'socket.io-client';
import type { SessionEvent, Transport } from './Transport.js';
import { socketParser } from './socketParser.js';

export class SocketIoTransport implements Transport {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private closeHandler: ((reason: string) => void) | null = null;
  private closed = false;

  connect(url: string, auth: Handshake, timeoutMs: number): Promise<Welcome> {
    const socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      timeout: timeoutMs,
      auth,
      forceNew: true,
      parser: socketParser,
    });
    this.socket = socket;
    return new Promise<Welcome>((resolve, reject) => {
      const timer = setTimeout(() => fail(new SyncError('UNAVAILABLE', `no welcome from ${url} in ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: SyncError) => {
        clearTimeout(timer);
        socket.off('welcome');
        this.close();
        reject(err);
      };
      const beforeWelcome = (reason: string) => fail(new SyncError('DISCONNECTED', `disconnected before welcome: ${reason}`));
      socket.once('welcome', (w: Welcome) => {
        clearTimeout(timer);
        socket.off('connect_error');
        // The pre-welcome listener must go: left in place it would mark the transport closed on
        // the first later disconnect, and lost() would then never tell the engine (idle clients
        // stayed "online" on a dead server until a request timed out).
        socket.off('disconnect', beforeWelcome);
        socket.on('disconnect', (reason) => this.lost(reason));
        resolve(w);
      });
      socket.on('connect_error', (err: Error & { data?: WireError }) => {
        fail(err.data?.code ? SyncError.fromWire(err.data) : new SyncError('UNAVAILABLE', `connect to ${url} failed: ${err.message}`));
      });
      socket.once('disconnect', beforeWelcome);
    });
  }

  /**
   * One plain HTTP GET of the Socket.IO path (the route the WebSocket upgrade takes, so a proxy in front
   * forwards it too); any answer, even an error status, means the server is up. `no-cors`: the answer
   * is not read, so no CORS headers are needed. Browsers throttle new WebSockets after failed ones
   * (Chromium delayed the reconnect after an outage by up to 4.2 s in test/bench/catchUp.ts); failed
   * fetches are not counted.
   */
  async probe(url: string, timeoutMs: number): Promise<boolean> {
    if (typeof fetch !== 'function') return true;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return true;
    }
    if (target.protocol === 'ws:') target.protocol = 'http:';
    else if (target.protocol === 'wss:') target.protocol = 'https:';
    target.pathname = '/socket.io/';
    target.search = '?EIO=4&transport=polling';
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      await fetch(target, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: abort.signal });
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  request<E extends RequestEvent>(event: E, payload: RequestMap[E]['request'], timeoutMs: number): Promise<RequestMap[E]['reply']> {
    const socket = this.socket;
    if (!socket || this.closed || !socket.connected) return Promise.reject(new SyncError('DISCONNECTED', 'not connected'));
    return new Promise<RequestMap[E]['reply']>((resolve, reject) => {
      // Socket.IO's typing cannot follow a generic event name through `timeout()`; this method's
      // signature (RequestMap) is what checks callers.
      const timed = socket.timeout(timeoutMs) as unknown as {
        emit(event: E, payload: unknown, ack: (err: Error | null, reply: unknown) => void): void;
      };
      timed.emit(event, payload, (err: Error | null, reply: unknown) => {
        if (err) reject(new SyncError('TIMEOUT', `${event}: no ack in ${timeoutMs} ms`));
        else if (isErrorReply(reply)) reject(SyncError.fromWire(reply.error));
        else resolve(reply as RequestMap[E]['reply']);
      });
    });
  }

  emit<E extends RequestEvent>(event: E, payload: RequestMap[E]['request']): void {
    if (!this.socket?.connected || this.closed) return;
    (this.socket as unknown as { emit(event: E, payload: unknown): void }).emit(event, payload);
  }

  on<E extends SessionEvent>(event: E, handler: (msg: ServerMessages[E]) => void): () => void {
    // Socket.IO's listener typing needs a literal event name; the signature above carries the map.
    const socket = this.socket as unknown as { on(e: E, h: typeof handler): void; off(e: E, h: typeof handler): void } | null;
    socket?.on(event, handler);
    return () => socket?.off(event, handler);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
  }

  /** Cuts the connection as a network failure would (the engine sees it closed and reconnects). */
  drop(): void {
    if (!this.closed) this.socket?.disconnect();
  }

  private lost(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeHandler?.(reason);
  }
}
