/**
 * Keeps web pages off a server they were not meant to reach (issue 13 F12).
 * Browsers send `Origin` on WebSocket handshakes and on cross-origin POSTs;
 * other clients (the Syncline client in Node, curl, backends) do not.
 *
 * WebSocket (`--allowed-origins`): a handshake without `Origin` is allowed.
 * With one, it must be in the list (`*` = any). Default: with token auth,
 * any origin (the token is the guard); without auth, only pages served from
 * a loopback host (`localhost`, `127.x`, `[::1]`) or from the server's own
 * host name — so a page on the open web cannot use a dev server.
 *
 * Admin routes: refused (403) when the request carries an `Origin` that is
 * not the server's own (`http(s)://<Host>`), or `Sec-Fetch-Site:
 * cross-site`/`same-site`; refused (415) when it has a body that is not
 * `application/json` (a page can send `text/plain` without a preflight);
 * and, when they are open because the bind is loopback (no token), refused
 * unless `Host` is a loopback name (DNS rebinding).
 */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { SyncError } from '@syncline/shared';

export type AllowedOrigins = readonly string[] | '*' | undefined;

function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

export function isLoopbackName(name: string | undefined): boolean {
  return name === 'localhost' || name === '::1' || (name?.startsWith('127.') ?? false);
}

export function websocketOriginAllowed(req: Pick<IncomingMessage, 'headers'>, allowed: AllowedOrigins, authOn: boolean): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowed === '*') return true;
  if (allowed !== undefined) return allowed.includes(origin);
  if (authOn) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return isLoopbackName(originHost) || originHost === hostnameOf(req.headers.host);
}

/** Express middleware in front of /admin/*. `openOnLoopback`: the routes are open because the bind is loopback. */
export function adminRequestGuard(openOnLoopback: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const refuse = (status: number, err: SyncError) => void res.status(status).json({ error: err.toWire() });
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${req.protocol}://${req.headers.host}`)
      return refuse(403, new SyncError('FORBIDDEN', 'cross-origin admin request'));
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return refuse(403, new SyncError('FORBIDDEN', 'cross-site admin request'));
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json'))
      return refuse(415, new SyncError('INVALID_MESSAGE', 'admin requests take no body or a JSON one'));
    if (openOnLoopback && !isLoopbackName(hostnameOf(req.headers.host)))
      return refuse(403, new SyncError('FORBIDDEN', 'admin API without a token answers only loopback host names'));
    next();
  };
}
