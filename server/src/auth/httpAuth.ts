/**
 * Bearer-token guard for HTTP endpoints that return data or act. Accepts a
 * token the TokenVerifier takes and whose `admin` claim is true, or the
 * operator's static `--admin-token`. Answers 401 (no/invalid token) or 403
 * (valid token without `admin`) with a WireError body.
 */
import type { NextFunction, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { SyncError, toSyncError } from '@syncline/shared';
import type { TokenVerifier } from './TokenVerifier.js';

export function bearerOf(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return m?.[1];
}

export function staticTokenMatches(given: string | undefined, want: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Resolves when the request may proceed; rejects with UNAUTHORIZED / FORBIDDEN otherwise. */
export async function checkAdmin(req: Request, verifier: TokenVerifier | undefined, adminToken: string | undefined): Promise<void> {
  const token = bearerOf(req);
  if (adminToken !== undefined && staticTokenMatches(token, adminToken)) return;
  if (!verifier) throw new SyncError('UNAUTHORIZED', 'admin token required');
  const auth = await verifier.verify(token);
  if (!auth.admin) throw new SyncError('FORBIDDEN', 'token lacks the admin claim');
}

export function sendAuthError(res: Response, err: unknown): void {
  const e = toSyncError(err);
  res.status(e.code === 'FORBIDDEN' ? 403 : 401).json({ error: e.toWire() });
}

export function adminGuard(verifier: TokenVerifier | undefined, adminToken: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    checkAdmin(req, verifier, adminToken).then(
      () => next(),
      (err: unknown) => sendAuthError(res, err),
    );
  };
}
