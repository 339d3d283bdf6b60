/**
 * The board's server-side rules, loaded into every syncline-server process
 * with `--extension examples/backend/src/extension.ts` (docs/backend.md):
 *
 *  (a) a card's title must be a non-empty string of at most 200 characters,
 *      else the write is rejected (VALIDATION_FAILED, `details.reason`);
 *      the writer's client shows it in `_rejected`;
 *  (b) a new card gets `createdBy` from the writer's identity: the token's
 *      `sub` when auth is on, else the connection's client id (one per
 *      browser profile). Clients cannot set or change it; the app's backend
 *      (HTTP API, `service` role) may;
 *  (c) the first time a board is read in this process, the example backend
 *      (BOARD_BACKEND_URL) is told, so it can post its welcome card and
 *      follow the board's change feed.
 */
import { SyncError, type Change } from '@syncline/shared';
import type { ConnectionContext, Extension } from '@syncline/server';

export const MAX_TITLE = 200;

function identity(ctx: ConnectionContext): string {
  const sub = (ctx.data.auth as { sub?: string } | undefined)?.sub;
  return sub ?? ctx.clientId;
}

export function checkCard(change: Change, ctx: ConnectionContext): Change | void {
  if (change.kind !== 'put' || change.table !== 'cards') return;
  const { fields } = change;
  if ('title' in fields) {
    const title = fields.title;
    if (typeof title !== 'string' || title.trim() === '')
      throw new SyncError('VALIDATION_FAILED', 'a card needs a title', { field: 'title', reason: 'TITLE_EMPTY' });
    if (title.length > MAX_TITLE)
      throw new SyncError('VALIDATION_FAILED', `a card title has at most ${MAX_TITLE} characters`, {
        field: 'title',
        reason: 'TITLE_TOO_LONG',
        max: MAX_TITLE,
      });
  }
  if (ctx.clientId.startsWith('http:')) return; // the app's own backend (service role) is trusted with createdBy
  const creating = 'id' in fields; // a client's first put of a record carries every field, the key too
  if ('createdBy' in fields && !creating)
    throw new SyncError('VALIDATION_FAILED', 'createdBy is set by the server', { field: 'createdBy', reason: 'READ_ONLY' });
  if (creating) return { ...change, fields: { ...fields, createdBy: identity(ctx) } };
}

const told = new Set<string>();

function tellBackend(space: string): void {
  const url = process.env.BOARD_BACKEND_URL;
  if (!url || told.has(space)) return;
  told.add(space);
  fetch(`${url}/hooks/board-opened`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ space }),
    signal: AbortSignal.timeout(5000),
  })
    .then((res) => {
      if (!res.ok) told.delete(space);
    })
    .catch(() => told.delete(space)); // backend down: tell it on the next read
}

const boardRules: Extension = {
  name: 'board-rules',
  validateChange: ({ change, ctx }) => checkCard(change, ctx),
  onAuthorize({ space, action }) {
    if (action === 'read') tellBackend(space);
  },
};

export default boardRules;
