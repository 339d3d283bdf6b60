/**
 * The app bumps its Dexie schema (v1 -> v2: a new index on the synced table
 * and a new table). Outbox entries written at v1 and never sent, the client
 * id, the op counter and the pull cursors all survive; every pending entry
 * reaches the real server exactly once, and new writes get fresh op ids.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { createSyncline, OUTBOX, META, type OutboxRow, type SynclineOptions } from '@syncline/client';
import type { PullReply, PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { ChangeMaker } from '../helpers/changes.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { nodeContents } from '../client/realCluster.js';
import { recordingTransport } from './support/RecordingTransport.js';
import { waitFor } from './support/waitFor.js';

const SPACE = 'up-space';
let srv: SpawnedServer;
beforeAll(async () => {
  srv = await spawnServer({ args: ['--ack', 'sync'] });
});
afterAll(async () => {
  await srv?.stop();
});

const fast: SynclineOptions['engine'] = { pollIntervalMs: 100, pullIntervalMs: 500, backoff: { baseMs: 20, maxMs: 200 }, retryBaseMs: 20 };

function openV1(name: string): Dexie {
  const db = new Dexie(name);
  db.version(1).stores({ cards: 'id' });
  return db;
}
function openV2(name: string): Dexie {
  const db = new Dexie(name);
  db.version(1).stores({ cards: 'id' });
  db.version(2).stores({ cards: 'id, list', tags: 'id' });
  return db;
}

describe('Dexie schema upgrade', () => {
  it('pending outbox entries and cursors survive v1 -> v2 and sync exactly once', async () => {
    const name = `upgrade-${process.pid}-${Date.now()}`;
    // Another writer puts a record on the server, so v1 has a cursor to keep.
    const other = await connectClient(srv.url, { clientId: 'other-writer' });
    const seeded = await request<PushReply>(other, 'push', {
      changes: [new ChangeMaker('other-writer').put(SPACE, 'seed', { title: 'seed' }, 'cards')],
    });
    expect(seeded.results[0]?.status).toBe('ok');

    // v1: online long enough to pull (cursor saved), then offline writes pile up in the outbox.
    const db1 = openV1(name);
    const v1 = recordingTransport();
    const sync1 = createSyncline(db1, {
      tables: ['cards'],
      servers: [srv.url],
      defaultSpace: SPACE,
      leaderElection: false,
      transport: v1.factory,
      engine: fast,
    });
    await waitFor(async () => (await db1.table('cards').get('seed'))?.title === 'seed', 15_000, 'v1 pulled seed');
    await sync1.close();
    for (let i = 0; i < 5; i++) await db1.table('cards').put({ id: `c${i}`, title: `card ${i}`, list: 'todo' });
    const pending = (await db1.table<OutboxRow>(OUTBOX).toArray()).filter((r) => r.status === 'pending');
    expect(pending).toHaveLength(5);
    const cursorKey = `cursor:${SPACE}`;
    const cursor = (await db1.table(META).get(cursorKey))?.value as string;
    expect(typeof cursor).toBe('string');
    db1.close();

    // v2: a new index on the synced table and a new table.
    const db2 = openV2(name);
    const v2 = recordingTransport();
    const sync2 = createSyncline(db2, {
      tables: ['cards', 'tags'],
      servers: [srv.url],
      defaultSpace: SPACE,
      leaderElection: false,
      transport: v2.factory,
      engine: fast,
    });
    await db2.open();
    expect(db2.verno).toBe(2);
    // The new index works over rows written at v1.
    expect(await db2.table('cards').where('list').equals('todo').count()).toBe(5);
    await sync2.flush({ timeoutMs: 15_000 });
    await db2.table('tags').put({ id: 't1', label: 'new table' });
    await db2.table('cards').put({ id: 'c5', title: 'after upgrade', list: 'done' });
    await sync2.flush({ timeoutMs: 15_000 });

    // The first pull of v2 started from v1's cursor, not from the beginning.
    expect(v2.rec.pulls.find((p) => p.space === SPACE)?.cursor).toBe(cursor);
    // Every v1 op was sent exactly once, and later ops continued the same counter.
    const sent = v2.rec.pushedOpIds;
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.slice(0, 5).sort()).toEqual(pending.map((r) => r.opId).sort());
    const counters = sent.map((id) => Number(id.split(':')[1]));
    expect(Math.min(...counters.slice(5))).toBeGreaterThan(Math.max(...counters.slice(0, 5)));
    expect(new Set(sent.map((id) => id.split(':')[0])).size).toBe(1);
    expect(await db2.table(OUTBOX).count()).toBe(0);

    // What the server holds: each op once on the node, every record with v1's fields.
    const stored = nodeContents(srv.dataDir, 1).opIds.filter((id) => sent.includes(id));
    expect(stored.sort()).toEqual([...sent].sort());
    const pulled = await request<PullReply>(other, 'pull', { space: SPACE, limit: 100 });
    const byId = new Map(pulled.records.map((r) => [`${r.table}/${r.id}`, r.state.fields]));
    for (let i = 0; i < 5; i++) expect(byId.get(`cards/c${i}`)?.title?.v).toBe(`card ${i}`);
    expect(byId.get('tags/t1')?.label?.v).toBe('new table');
    expect(byId.get('cards/c5')?.title?.v).toBe('after upgrade');
    other.close();
    await sync2.close();
    db2.close();
  });

  it('Syncline added to an app whose database already exists at the same version: tables created, writes sync', async () => {
    const name = `late-${process.pid}-${Date.now()}`;
    const plain = openV1(name);
    await plain.table('cards').put({ id: 'old', title: 'before Syncline' });
    plain.close();
    const db = openV1(name);
    const sync = createSyncline(db, { tables: ['cards'], servers: [srv.url], defaultSpace: 'late', leaderElection: false, engine: fast });
    await db.open();
    expect(db.tables.map((t) => t.name)).toEqual(expect.arrayContaining([OUTBOX, META]));
    expect(await db.table('cards').get('old')).toEqual({ id: 'old', title: 'before Syncline' });
    await db.table('cards').put({ id: 'new', title: 'after Syncline' });
    await sync.flush({ timeoutMs: 15_000 });
    const reader = await connectClient(srv.url, { clientId: 'late-reader' });
    const pulled = await request<PullReply>(reader, 'pull', { space: 'late' });
    expect(pulled.records.map((r) => r.id)).toEqual(['new']);
    reader.close();
    await sync.close();
    db.close();
  });
});
