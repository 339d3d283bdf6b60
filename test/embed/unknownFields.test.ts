/**
 * The server has no per-table schema: fields it has never seen are stored
 * and synced unchanged, whatever their names and JSON values. An app's newer
 * version (writing a field) and older version (not knowing it) share records
 * without the older one dropping or mangling the new field.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { createSyncline } from '@syncline/client';
import type { PullReply, PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { ChangeMaker } from '../helpers/changes.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { waitFor } from './support/waitFor.js';

let srv: SpawnedServer;
beforeAll(async () => {
  srv = await spawnServer({ args: ['--ack', 'sync'] });
});
afterAll(async () => {
  await srv?.stop();
});

const UNUSUAL = {
  'x-future.field': { nested: [1, 'two', null, { deep: true }], empty: {} },
  'ünïcødé 🚀': 'ok',
  big: 2 ** 53 - 1,
  neg: -0.5,
  nothing: null,
  list: [],
  quote: 'he said "hi"\n\ttab',
};

describe('records with fields the server does not know', () => {
  it('are stored and pulled back exactly as written', async () => {
    const w = await connectClient(srv.url, { clientId: 'writer' });
    const r = await connectClient(srv.url, { clientId: 'reader' });
    const maker = new ChangeMaker('writer');
    const put = maker.put('uf', 'r1', UNUSUAL, 'anything');
    const reply = await request<PushReply>(w, 'push', { changes: [put] });
    expect(reply.results[0]?.status).toBe('ok');
    const pulled = await request<PullReply>(r, 'pull', { space: 'uf' });
    const rec = pulled.records.find((x) => x.id === 'r1')!;
    expect(rec.table).toBe('anything');
    const values = Object.fromEntries(Object.entries(rec.state.fields).map(([k, f]) => [k, f.v]));
    expect(values).toEqual(UNUSUAL);
    w.close();
    r.close();
  });

  it("an older app version keeps a newer version's field through its own edits", async () => {
    const open = (name: string, stores: string) => {
      const db = new Dexie(`${name}-${process.pid}-${Date.now()}`);
      db.version(1).stores({ cards: stores });
      const sync = createSyncline(db, {
        tables: ['cards'],
        servers: [srv.url],
        defaultSpace: 'apps',
        leaderElection: false,
        engine: { pollIntervalMs: 100, pullIntervalMs: 300, retryBaseMs: 20 },
      });
      return { db, sync, cards: db.table('cards') };
    };
    const newer = open('newer', 'id, priority');
    const older = open('older', 'id');
    await newer.cards.put({ id: 'c1', title: 'first', priority: { level: 3, tags: ['x'] } });
    await newer.sync.flush({ timeoutMs: 10_000 });
    await waitFor(async () => (await older.cards.get('c1'))?.title === 'first', 10_000, 'older has c1');
    expect((await older.cards.get('c1')).priority).toEqual({ level: 3, tags: ['x'] });
    // The older app rewrites the row with only the fields it knows about plus what it read.
    const row = await older.cards.get('c1');
    await older.cards.put({ ...row, title: 'edited by older' });
    await older.sync.flush({ timeoutMs: 10_000 });
    await waitFor(async () => (await newer.cards.get('c1'))?.title === 'edited by older', 10_000, 'newer sees edit');
    expect(await newer.cards.get('c1')).toEqual({ id: 'c1', title: 'edited by older', priority: { level: 3, tags: ['x'] } });
    for (const c of [newer, older]) {
      await c.sync.close();
      c.db.close();
    }
  });
});
