/**
 * The ConnectionContext of an HTTP API request: the same `onAuthenticate`
 * hooks as a socket handshake, with the bearer token as `handshake.token`
 * (so the same tokens, roles and app extensions apply). Its client id is
 * `http:<subject>`, which namespaces the op ids of HTTP writes: a socket
 * client id can never contain `:` (handshake schema), so an HTTP op id can
 * never equal a client's, and two subjects' idempotency keys never collide.
 */
import type { Request } from 'express';
import { PROTOCOL_VERSION, SyncError, type Handshake } from '@syncline/shared';
import { runHook, type ConnectionContext } from '../Extension.js';
import type { AuthInfo } from '../auth/AuthOptions.js';
import { bearerOf } from '../auth/httpAuth.js';
import type { ServerContext } from '../socket/ServerContext.js';

let requests = 0;

export async function httpConnection(ctx: ServerContext, req: Request): Promise<ConnectionContext> {
  if (ctx.isDraining()) throw new SyncError('SERVER_DRAINING', 'server is draining; use another server');
  const token = bearerOf(req);
  const handshake: Handshake = { clientId: 'http', protocol: PROTOCOL_VERSION, ...(token ? { token } : {}) };
  const conn: ConnectionContext = { socketId: `http-${++requests}`, clientId: 'http', handshake, data: {} };
  try {
    const results = await runHook(ctx.extensions, 'onAuthenticate', (ext) => ext.onAuthenticate!({ handshake, ctx: conn }));
    for (const r of results) if (r && typeof r === 'object') Object.assign(conn.data, r);
  } catch (err) {
    if (err instanceof SyncError) throw err;
    throw new SyncError('UNAUTHORIZED', 'authentication failed');
  }
  const sub = (conn.data.auth as AuthInfo | undefined)?.sub;
  conn.clientId = `http:${encodeURIComponent(sub ?? 'anonymous')}`;
  return conn;
}
