/**
 * An in-process transport to FakeServers registered on a MemoryNetwork.
 * Every message is structured-cloned and delivered on a later macrotask,
 * so tests see the same asynchrony as a socket, deterministically.
 */
import {
  SyncError,
  isErrorReply,
  toSyncError,
  type Handshake,
  type RequestEvent,
  type RequestMap,
  type ServerMessages,
  type Welcome,
} from '@syncline/shared';
import type { FakeConnection, FakeServer } from '../testing/FakeServer.js';
import type { SessionEvent, Transport } from './Transport.js';

export class MemoryNetwork {
  readonly servers = new Map<string, FakeServer>();

  listen(url: string, server: FakeServer): void {
    this.servers.set(url, server);
  }

  transport = (): Transport => new MemoryTransport(this);
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

export class MemoryTransport implements Transport {
  private conn: FakeConnection | null = null;
  private server: FakeServer | null = null;
  private readonly handlers = new Map<string, Set<(p: unknown) => void>>();
  private closeHandler: ((reason: string) => void) | null = null;
  private closed = false;

  constructor(private readonly network: MemoryNetwork) {}

  async connect(url: string, auth: Handshake): Promise<Welcome> {
    await tick();
    const server = this.network.servers.get(url);
    if (!server?.up) throw new SyncError('INTERNAL', `cannot connect to ${url}`);
    let welcome: Welcome | null = null;
    const conn: FakeConnection = {
      clientId: auth.clientId,
      spaces: new Set(),
      emit: (event, payload) => {
        if (event === 'welcome') welcome = payload as Welcome;
        else setTimeout(() => this.deliver(event, structuredClone(payload)), 0);
      },
      close: (reason) => setTimeout(() => this.lost(reason), 0),
    };
    server.accept(conn);
    this.conn = conn;
    this.server = server;
    return welcome!;
  }

  async request<E extends RequestEvent>(event: E, payload: RequestMap[E]['request']): Promise<RequestMap[E]['reply']> {
    await tick();
    if (this.closed || !this.server || !this.conn) throw new SyncError('INTERNAL', 'not connected');
    let reply: unknown;
    try {
      reply = this.server.handle(this.conn, event, structuredClone(payload));
    } catch (err) {
      throw toSyncError(err);
    }
    await tick();
    if (isErrorReply(reply)) throw SyncError.fromWire(reply.error);
    return structuredClone(reply) as RequestMap[E]['reply'];
  }

  emit<E extends RequestEvent>(event: E, payload: RequestMap[E]['request']): void {
    if (this.closed || !this.server || !this.conn) return;
    try {
      this.server.handle(this.conn, event, structuredClone(payload));
    } catch {
      // fire-and-forget: nobody learns the outcome
    }
  }

  on<E extends SessionEvent>(event: E, handler: (msg: ServerMessages[E]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    // Delivered payloads come from the in-process server as the protocol types them.
    const h = handler as (payload: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.conn) this.server?.connections.delete(this.conn);
  }

  private deliver(event: string, payload: unknown): void {
    if (this.closed) return;
    for (const h of this.handlers.get(event) ?? []) h(payload);
  }

  private lost(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeHandler?.(reason);
  }
}
