/**
 * What the sync engine needs from a connection. `SocketIoTransport` is the
 * real one (WebSocket only); `MemoryTransport` connects to an in-process fake
 * server for deterministic tests.
 */
import type { Handshake, RequestEvent, RequestMap, ServerEvent, ServerMessages, Welcome } from '@syncline/shared';

/** Server messages after the handshake (`welcome` is `connect`'s result). */
export type SessionEvent = Exclude<ServerEvent, 'welcome'>;
/** The name earlier releases exported for `SessionEvent`. */
export type { SessionEvent as TransportEvent };

export interface Transport {
  /** Connects and resolves with the server's `welcome`; rejects with a SyncError. */
  connect(url: string, auth: Handshake, timeoutMs: number): Promise<Welcome>;
  /** Sends a request and resolves with its ack; an `ErrorReply` or a timeout rejects with a SyncError. */
  request<E extends RequestEvent>(event: E, payload: RequestMap[E]['request'], timeoutMs: number): Promise<RequestMap[E]['reply']>;
  on<E extends SessionEvent>(event: E, handler: (msg: ServerMessages[E]) => void): () => void;
  /** Fire-and-forget message (awareness); dropped when not connected. */
  emit?<E extends RequestEvent>(event: E, payload: RequestMap[E]['request']): void;
  /**
   * Whether the server answers at all, looked at more cheaply than a failed `connect` costs
   * (SyncEngine asks before reconnecting after a failure). Optional: without it every retry connects.
   */
  probe?(url: string, timeoutMs: number): Promise<boolean>;
  /** Called once when the connection is lost after `connect` resolved. */
  onClose(handler: (reason: string) => void): void;
  close(): void;
}

export type TransportFactory = () => Transport;
