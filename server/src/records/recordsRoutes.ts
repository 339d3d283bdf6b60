/**
 * The HTTP API for an app's backend (docs/backend.md):
 *
 *   GET    /v1/spaces/:space/records/:table/:id   one record       (read role)
 *   GET    /v1/spaces/:space/records/:table       list, paged      (read role)
 *   PUT    /v1/spaces/:space/records/:table/:id   replace          (service role)
 *   PATCH  /v1/spaces/:space/records/:table/:id   set fields       (service role)
 *   DELETE /v1/spaces/:space/records/:table/:id   delete           (service role)
 *   GET    /v1/spaces/:space/changes              change feed      (read role)
 *
 * Same tokens and hooks as sockets; every error is `{ error: WireError }`
 * with a status from its code. Mounted before the app-wide body parser so
 * its own (sized by maxRecordBytes) and its own error mapping apply.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { SyncError } from '@syncline/shared';
import type { ServerContext } from '../socket/ServerContext.js';
import { authorize } from '../socket/authorize.js';
import { checkJsonShape } from '../limits/unsafeKeys.js';
import { apiErrorHandler, httpStatusOf } from './httpErrors.js';
import { httpConnection } from './httpConnection.js';
import { IdempotencyKey, ListQuery, PatchBody, RecordBody, RecordParams, TableParams, WriteQuery } from './schemas.js';
import { getRecord, listRecords } from './readRecords.js';
import { writeRecord, type WriteKind } from './writeRecord.js';
import { serveFeed } from './feedRoutes.js';

type Handler = (req: Request, res: Response) => Promise<void>;
const wrap = (h: Handler) => (req: Request, res: Response, next: NextFunction) => void h(req, res).catch(next);

export function recordsRoutes(app: Express, ctx: ServerContext): void {
  const api = express.Router();
  // Room for a record of maxRecordBytes plus JSON overhead; the pipeline checks the exact limit.
  api.use(
    express.json({
      limit: ctx.opts.limits.maxRecordBytes + 1024,
      strict: true,
      type: ['application/json', 'application/merge-patch+json'],
    }),
  );

  const knownTable = (table: string) => {
    const declared = ctx.extensions.filter((e) => e.tables).flatMap((e) => e.tables!);
    if (declared.length > 0 && !declared.includes(table)) throw new SyncError('NOT_FOUND', `unknown table ${table.slice(0, 256)}`);
  };

  api.get(
    '/spaces/:space/records/:table/:id',
    wrap(async (req, res) => {
      const { space, table, id } = RecordParams.parse(req.params);
      await authorize(ctx, await httpConnection(ctx, req), space, 'read');
      knownTable(table);
      const found = await getRecord(ctx, space, table, id);
      if (!found) throw new SyncError('NOT_FOUND', `no record ${table}/${id} in space ${space}`);
      res.json({ space, ...found });
    }),
  );

  api.get(
    '/spaces/:space/records/:table',
    wrap(async (req, res) => {
      const { space, table } = TableParams.parse(req.params);
      const q = ListQuery.parse(req.query);
      await authorize(ctx, await httpConnection(ctx, req), space, 'read');
      knownTable(table);
      const limit = Math.min(q.limit ?? 100, ctx.opts.limits.maxPullLimit);
      res.json({ space, table, ...(await listRecords(ctx, space, table, q.cursor ?? null, limit)) });
    }),
  );

  const write =
    (kind: WriteKind): Handler =>
    async (req, res) => {
      const { space, table, id } = RecordParams.parse(req.params);
      const { ack } = WriteQuery.parse(req.query);
      const conn = await httpConnection(ctx, req); // who asks first: nobody learns about validation without a valid token
      const rawKey = req.get('idempotency-key');
      const key = rawKey === undefined ? undefined : IdempotencyKey.parse(rawKey);
      let body;
      if (kind !== 'delete') {
        checkJsonShape(req.body, ctx.opts.limits.maxJsonDepth);
        body = (kind === 'put' ? RecordBody : PatchBody).parse(req.body ?? undefined);
      }
      knownTable(table);
      const answer = await writeRecord(ctx, conn, { kind, space, table, id, body, key, ack });
      res.set('Idempotency-Key', answer.key);
      res.status(answer.error ? httpStatusOf(answer.error.code) : 200).json(answer);
    };
  api.put('/spaces/:space/records/:table/:id', wrap(write('put')));
  api.patch('/spaces/:space/records/:table/:id', wrap(write('patch')));
  api.delete('/spaces/:space/records/:table/:id', wrap(write('delete')));

  api.get(
    '/spaces/:space/changes',
    wrap((req, res) => serveFeed(ctx, req, res)),
  );

  api.use((req: Request, res: Response) => {
    res.status(404).json({ error: new SyncError('NOT_FOUND', `no route ${req.method} ${req.path.slice(0, 200)}`).toWire() });
  });
  api.use(apiErrorHandler((err) => ctx.logger.error({ err }, 'records api request failed')));
  app.use('/v1', api);
}
