/** Last Express middleware: any error becomes a JSON WireError, never a crash or an HTML page. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { toSyncError } from '@syncline/shared';

export function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const e = toSyncError(err);
    logger.error({ err }, 'http request failed');
    res.status(e.code === 'INTERNAL' ? 500 : 503).json({ error: e.toWire() });
  };
}
