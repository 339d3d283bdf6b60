/**
 * Connection middleware: validates the handshake `auth` payload, refuses a
 * different protocol version (connect_error with `data` = WireError
 * PROTOCOL_VERSION), refuses new connections while draining, then runs the
 * extensions' `onAuthenticate` hooks. The resulting ConnectionContext is
 * kept in `socket.data.ctx`.
 */
import type { SynclineSocket as Socket } from './ioTypes.js';
import { HandshakeSchema, PROTOCOL_VERSION, SyncError, type WireError } from '@syncline/shared';
import { ZodError } from 'zod';
import { runHook, type ConnectionContext } from '../Extension.js';
import type { ServerContext } from './ServerContext.js';
import { checkClientBinding } from '../auth/bindClientId.js';
import { invalidMessage, toWireError } from './wireErrors.js';

export type ConnectError = Error & { data: WireError };

export function connectError(err: unknown): ConnectError {
  const data = err instanceof ZodError ? invalidMessage(err).toWire() : toWireError(err);
  return Object.assign(new Error(data.message), { data });
}

export function handshakeMiddleware(ctx: ServerContext) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    authenticate(ctx, socket).then(
      (conn) => {
        socket.data.ctx = conn;
        next();
      },
      (err: unknown) => next(connectError(err)),
    );
  };
}

async function authenticate(ctx: ServerContext, socket: Socket): Promise<ConnectionContext> {
  if (ctx.isDraining()) throw new SyncError('SERVER_DRAINING', 'server is draining; connect to another server');
  const auth: unknown = socket.handshake.auth;
  const version = (auth as { protocol?: unknown } | null)?.protocol;
  if (typeof version === 'number' && version !== PROTOCOL_VERSION) {
    throw new SyncError('PROTOCOL_VERSION', `protocol ${version} not supported; server speaks ${PROTOCOL_VERSION}`, {
      supported: [PROTOCOL_VERSION],
    });
  }
  const handshake = HandshakeSchema.parse(auth);
  const conn: ConnectionContext = { socketId: socket.id, clientId: handshake.clientId, handshake, data: {} };
  try {
    const results = await runHook(ctx.extensions, 'onAuthenticate', (ext) => ext.onAuthenticate!({ handshake, ctx: conn }));
    for (const r of results) if (r && typeof r === 'object') Object.assign(conn.data, r);
  } catch (err) {
    if (err instanceof SyncError) throw err;
    throw new SyncError('UNAUTHORIZED', 'authentication failed');
  }
  checkClientBinding(conn);
  return conn;
}
