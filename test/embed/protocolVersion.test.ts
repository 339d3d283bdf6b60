/**
 * A client that speaks an older protocol gets PROTOCOL_VERSION in its status
 * (typed, not retryable), goes offline and stops reconnecting: once every
 * server in its list refused it, no further attempts however short the backoff.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { createSyncline, type SyncStatus } from '@syncline/client';
import { PROTOCOL_VERSION } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { recordingTransport } from './support/RecordingTransport.js';
import { waitFor } from './support/waitFor.js';

let srv: SpawnedServer;
beforeAll(async () => {
  srv = await spawnServer();
});
afterAll(async () => {
  await srv?.stop();
});

describe('protocol version mismatch', () => {
  it('surfaces PROTOCOL_VERSION in the status and stops retrying', async () => {
    const { factory, rec } = recordingTransport({ protocol: PROTOCOL_VERSION - 1 });
    const db = new Dexie(`pv-${process.pid}-${Date.now()}`);
    db.version(1).stores({ items: 'id' });
    const sync = createSyncline(db, {
      tables: ['items'],
      // The same server twice: both entries must refuse before the engine gives up.
      servers: [srv.url, srv.url],
      defaultSpace: 's',
      leaderElection: false,
      transport: factory,
      engine: { backoff: { baseMs: 5, maxMs: 20 }, connectTimeoutMs: 3000 },
    });
    const seen: SyncStatus[] = [];
    sync.subscribe((s) => seen.push(s));
    await db.table('items').put({ id: 'a', title: 'kept locally' });
    await waitFor(
      () => sync.getStatus().lastError?.code === 'PROTOCOL_VERSION' && sync.getStatus().state === 'offline',
      10_000,
      'PROTOCOL_VERSION',
    );
    const err = sync.getStatus().lastError!;
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/protocol/);
    expect(err.details).toEqual({ supported: [PROTOCOL_VERSION] });
    // With a 5-20 ms backoff a retry loop would make dozens of attempts in a second.
    await new Promise((r) => setTimeout(r, 1500));
    expect(rec.connects).toBe(2);
    expect(sync.getStatus().state).toBe('offline');
    expect(sync.getStatus().lastError?.code).toBe('PROTOCOL_VERSION');
    // Never looked online, and the write waits in the outbox instead of being lost.
    expect(seen.some((s) => s.state === 'online')).toBe(false);
    expect(sync.getStatus().pendingCount).toBe(1);
    await sync.close();
    db.close();
  });

  it('a current client on the same server goes online (the refusal is about the version only)', async () => {
    const { factory, rec } = recordingTransport();
    const db = new Dexie(`pv-ok-${process.pid}-${Date.now()}`);
    db.version(1).stores({ items: 'id' });
    const sync = createSyncline(db, {
      tables: ['items'],
      servers: [srv.url],
      defaultSpace: 's',
      leaderElection: false,
      transport: factory,
    });
    await waitFor(() => sync.getStatus().state === 'online', 10_000, 'online');
    expect(sync.getStatus().lastError).toBeNull();
    expect(rec.connects).toBe(1);
    await sync.close();
    db.close();
  });
});
