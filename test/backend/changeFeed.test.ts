/**
 * The change feed against real server processes:
 *  - resumed from a saved cursor after a SIGKILL and restart of the server
 *    (same node files), it misses nothing and repeats nothing (docs/backend.md:
 *    repeats only come from resuming at an older cursor or a primary change,
 *    neither happens here). Checked against a model of the writes (one
 *    writer, so the last write of a record is its state), through both
 *    forms: JSON pages before the restart, SSE with Last-Event-ID after it,
 *    with writes made while the SSE stream waits;
 *  - an HTTP write reaches a connected socket client as a poke, like a push.
 *
 * Mutations checked: in changeFeed.ts, giving items the page's cursor
 * instead of their own (`cursor: page.cursor`) — resuming from an item in
 * the middle of a page skipped the rest of that page (missed changes).
 */
import { afterEach, expect, it } from 'vitest';
import type { Json, PokeMessage } from '@syncline/shared';
import { SynclineAdmin, type FeedItem } from '@syncline/server/admin';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, nextEvent, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';
import { canonicalJson, seededRandom } from '@syncline/shared';
import { testSeed } from '../../shared/src/testSeed.js';
import { feedPage, readSse } from './feedClient.js';

const live: SpawnedServer[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((s) => s.kill('SIGKILL')));
});

type Model = Map<string, Record<string, Json> | null>;

/** Seeded writes: puts, patches and deletes of a few records, some through HTTP and some through a socket push. */
async function writeSome(url: string, model: Model, rand: () => number, count: number, tag: string): Promise<void> {
  const admin = new SynclineAdmin({ urls: url, backoffMs: 50 });
  const sock = await connectClient(url, { clientId: `w-${tag}` });
  const maker = new ChangeMaker(`w-${tag}`);
  try {
    for (let i = 0; i < count; i++) {
      const id = `r${Math.floor(rand() * 24)}`;
      const r = rand();
      // The socket writer's clock observes the server's stamps, so real order = stamp order (what the model replays).
      if (r < 0.15) {
        maker.clock.observe((await admin.delete('feed', 'items', id)).hlc!);
        model.set(id, null);
      } else if (r < 0.55) {
        const rec = { v: `${tag}-${i}`, n: i };
        maker.clock.observe((await admin.put('feed', 'items', id, rec)).hlc!);
        model.set(id, rec);
      } else {
        const put = maker.put('feed', id, { v: `${tag}-${i}` });
        const reply = await request<{ results: { status: string }[] }>(sock, 'push', { changes: [put], ack: 'sync' });
        expect(reply.results[0]!.status).toBe('ok');
        model.set(id, { ...(model.get(id) ?? {}), v: `${tag}-${i}` });
      }
    }
  } finally {
    sock.close();
  }
}

/** Each record's state as the feed items (in order) leave it. */
function replay(items: FeedItem[]): Model {
  const out: Model = new Map();
  for (const it of items) if (it.kind === 'record') out.set(it.id, it.deleted ? null : it.record);
  return out;
}

it('resumed from a saved cursor after a server restart: misses nothing, repeats nothing', async () => {
  const seed = testSeed('change feed');
  const rand = seededRandom(seed);
  const dataDir = tempDir('syncline-feed-');
  const model: Model = new Map();
  let srv = await spawnServer({ dataDir, args: ['--ack', 'sync'] });
  live.push(srv);
  await writeSome(srv.url, model, rand, 40, 'a');

  // A consumer handles items one by one, saving the cursor after each, and stops in the middle of a page.
  const handled: FeedItem[] = [];
  let saved: string | undefined;
  for (
    let page = await feedPage(srv.url, 'feed', { limit: 7 });
    handled.length < 9;
    page = await feedPage(srv.url, 'feed', { cursor: saved, limit: 7 })
  ) {
    expect(page.changes.length).toBeGreaterThan(0);
    for (const item of page.changes) {
      handled.push(item);
      saved = item.cursor;
      if (handled.length === 9) break;
    }
  }
  await writeSome(srv.url, model, rand, 20, 'b');
  await srv.kill('SIGKILL');
  srv = await spawnServer({ dataDir, args: ['--ack', 'sync'] });
  live.push(srv);

  // Resume through SSE (Last-Event-ID = the saved cursor); write more while the stream waits.
  const want = new Map(model);
  let writingDone = false;
  const writing = new Promise<void>((resolve) => setTimeout(resolve, 300))
    .then(() => writeSome(srv.url, want, rand, 15, 'c'))
    .then(() => {
      writingDone = true;
    });
  const done = (items: FeedItem[]) => {
    if (!writingDone) return false;
    const state = replay([...handled, ...items]);
    return [...want].every(([id, rec]) => canonicalJson(state.get(id) ?? null) === canonicalJson(rec));
  };
  const resumed = await readSse(srv.url, 'feed', saved, done, 60_000);
  await writing;

  const savedSeq = Number(saved!.split(':').pop());
  expect(resumed.items.every((it) => it.seq > savedSeq)).toBe(true);
  expect(resumed.ids).toEqual(resumed.items.map((it) => it.cursor));
  const all = [...handled, ...resumed.items];
  expect(new Set(all.map((it) => it.seq)).size).toBe(all.length); // no item twice
  const final = replay(all);
  for (const [id, rec] of want) expect(final.get(id) ?? null, id).toEqual(rec);
  console.log(
    `change feed (SYNCLINE_SEED=${seed}): ${handled.length} items before the restart, ${resumed.items.length} after, ${want.size} records`,
  );
}, 120_000);

it('an HTTP write pokes connected clients of the space, like a push', async () => {
  // The seq watcher off: only the write path's own poke can reach the client.
  const srv = await spawnServer({ args: ['--ack', 'sync', '--poll-poke-ms', '0'] });
  live.push(srv);
  const sock = await connectClient(srv.url, { clientId: 'watcher' });
  await request(sock, 'subscribe', { spaces: ['live'] });
  const poked = nextEvent<PokeMessage>(sock, 'poke', 10_000, (m) => m.space === 'live');
  await new SynclineAdmin({ urls: srv.url }).put('live', 'items', 'x', { from: 'http' });
  expect(await poked).toEqual({ space: 'live' });
  const page = await request<{ records: { id: string }[] }>(sock, 'pull', { space: 'live' });
  expect(page.records.map((r) => r.id)).toEqual(['x']);
  sock.close();
}, 60_000);

it('an open SSE feed does not hold up a drain: SIGTERM closes the stream and the server exits cleanly', async () => {
  const srv = await spawnServer({ args: ['--ack', 'sync'] });
  live.push(srv);
  await new SynclineAdmin({ urls: srv.url }).put('drain', 'items', 'a', { v: 1 });
  let stopped = false;
  const reading = readSse(srv.url, 'drain', undefined, (items) => items.length > 0 && stopped, 30_000).catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, 500));
  stopped = true;
  expect(await srv.stop(20_000)).toBe(0); // 0 = drained and exited; null would mean the SIGKILL fallback
  // The stream is closed under the reader (it reconnects elsewhere with its last id); it must not hang.
  const out = await reading;
  if (out instanceof Error) expect(out.message).not.toMatch(/timed out/);
}, 60_000);
