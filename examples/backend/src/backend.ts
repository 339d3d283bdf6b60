/**
 * The board's own backend: a tiny Express app beside the board that talks
 * to Syncline only over its HTTP API (SynclineAdmin):
 *
 *  - `POST /hooks/board-opened {space}` (sent by extension.ts the first time
 *    a board is read): posts a "welcome" card into the board — with the
 *    Idempotency-Key `welcome-<board>`, so it lands once per board ever,
 *    even across restarts, retries and servers (a deleted welcome card
 *    stays deleted) — and starts following the board's change feed;
 *  - logs every change of every followed board (`log`), saving the cursor
 *    after each one, so a feed that breaks resumes where it was.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { SynclineAdmin, type FeedItem } from '@syncline/server/admin';

export interface BackendOptions {
  /** Syncline server URLs (a function: known only once the servers listen). */
  servers: string[] | (() => string[]);
  /** A token with the `service` role when the servers check tokens. */
  token?: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
}

export interface Backend {
  url: string;
  /** Every change logged so far. */
  seen: FeedItem[];
  close(): Promise<void>;
}

export const welcomeCard = (space: string) => ({
  id: 'welcome',
  space,
  listId: `${space}:list1`,
  title: `Welcome to ${space}! Cards added here sync to everyone on this board.`,
  order: 0,
  editedAt: Date.now(),
  createdBy: 'welcome-bot',
});

export async function startBackend(opts: BackendOptions): Promise<Backend> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  let admin: SynclineAdmin | undefined;
  const client = () =>
    (admin ??= new SynclineAdmin({ urls: typeof opts.servers === 'function' ? opts.servers() : opts.servers, token: opts.token }));
  const stop = new AbortController();
  const cursors = new Map<string, string | undefined>();
  const seen: FeedItem[] = [];

  async function follow(space: string): Promise<void> {
    while (!stop.signal.aborted) {
      try {
        for await (const change of client().changes(space, { cursor: cursors.get(space), signal: stop.signal, wait: 10 })) {
          seen.push(change);
          log(describe(change));
          cursors.set(space, change.cursor); // handled: resume after it
        }
      } catch (err) {
        if (!stop.signal.aborted) log(`[backend] feed of ${space} broke (${(err as Error).message}); resuming`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  const app = express();
  app.use(express.json());
  app.post('/hooks/board-opened', (req, res) => {
    const space = typeof req.body?.space === 'string' ? req.body.space : '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(space)) {
      res.status(400).json({ error: 'space must be a board id' });
      return;
    }
    res.status(202).json({ space });
    if (cursors.has(space)) return;
    cursors.set(space, undefined);
    void follow(space);
    client()
      .put(space, 'cards', 'welcome', welcomeCard(space), { key: `welcome-${space}` })
      .then((a) => log(`[backend] welcome card for ${space}: ${a.status}`))
      .catch((err: unknown) => log(`[backend] welcome card for ${space} failed: ${(err as Error).message}`));
  });
  app.get('/healthz', (_req, res) => {
    res.json({ alive: true, boards: [...cursors.keys()] });
  });

  const http: Server = await new Promise((resolve) => {
    const s = app.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve(s));
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    seen,
    async close() {
      stop.abort();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}

function describe(c: FeedItem): string {
  if (c.kind === 'doc') return `[backend] ${c.space} doc ${c.doc} updated (seq ${c.seq})`;
  if (c.deleted) return `[backend] ${c.space} ${c.table}/${c.id} deleted (seq ${c.seq})`;
  const title = typeof c.record?.title === 'string' ? ` "${c.record.title}"` : '';
  return `[backend] ${c.space} ${c.table}/${c.id}${title} (seq ${c.seq})`;
}
