/**
 * What the sync engine needs from a connection. `SocketIoTransport` is the
 * real one (WebSocket only); `MemoryTransport` connects to an in-process fake
 * server for deterministic tests.
 */
import type { Handshake, Welcome } from '@syncline/shared';

export type ServerEvent = 'poke' | 'replicated' | 'drain' | 'sync_error' | 'awareness' | 'changes' | 'doc_update';

export interface Transport {
  /** Connects and resolves with the server's `welcome`; rejects with a SyncError. */
  connect(url: string, auth: Handshake, timeoutMs: number): Promise<Welcome>;
  /** Sends a request and resolves with its ack; an `ErrorReply` or a timeout rejects with a SyncError. */
  request<T>(event: string, payload: unknown, timeoutMs: number): Promise<T>;
  on(event: ServerEvent, handler: (payload: unknown) => void): () => void;
  /** Fire-and-forget message (awareness); dropped when not connected. */
  emit?(event: string, payload: unknown): void;
  /** Called once when the connection is lost after `connect` resolved. */
  onClose(handler: (reason: string) => void): void;
  close(): void;
}

export type TransportFactory = () => Transport;
