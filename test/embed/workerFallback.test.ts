/**
 * Where the sync Worker cannot start (no module Workers, or its script failed
 * to load: the Worker only fires `error`), createSyncline falls back to the
 * in-thread engine instead of waiting forever with no error in its status.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { Dexie } from 'dexie';
import { createSyncline, type SynclineOptions } from '@syncline/client';
import { FakeServer, FakeStore, MemoryNetwork } from '@syncline/client/testing';
import { waitFor } from './support/waitFor.js';

/** A Worker whose script fails to load: messages go nowhere, then `error` fires. */
class BrokenWorker extends EventTarget {
  terminated = false;
  postMessage(): void {
    setTimeout(() => this.dispatchEvent(Object.assign(new Event('error'), { message: 'Failed to load module script' })), 20);
  }
  terminate(): void {
    this.terminated = true;
  }
}

function app(worker: () => never, extra: Partial<SynclineOptions> = {}) {
  const network = new MemoryNetwork();
  const store = new FakeStore();
  network.listen('mem://a', new FakeServer('srv', store));
  const db = new Dexie(`fallback-${process.pid}-${Date.now()}-${Math.random()}`);
  db.version(1).stores({ cards: 'id' });
  const sync = createSyncline(db, {
    tables: ['cards'],
    servers: ['mem://a'],
    transport: network.transport,
    defaultSpace: 's',
    leaderElection: false,
    worker,
    ...extra,
  });
  return { db, sync, store };
}

describe('worker fallback', () => {
  it('a Worker that fails to load: the engine runs in this thread and syncs', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const broken = new BrokenWorker();
    const { db, sync, store } = app(() => broken as never);
    await waitFor(() => sync.getStatus().state === 'online', 5000, 'online through the fallback');
    await db.table('cards').put({ id: 'c1', title: 'synced anyway' });
    await sync.flush({ timeoutMs: 5000 });
    expect([...store.applied.keys()].length).toBe(1);
    expect(broken.terminated).toBe(true);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/Worker did not start/);
    warn.mockRestore();
    await sync.close();
    db.close();
  });

  it('a Worker constructor that throws (no module Workers): same fallback, reported to the injected logger', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const logged: string[] = [];
    const logger = { warn: (m: string) => void logged.push(m), error: (m: string) => void logged.push(m) };
    const { db, sync } = app(
      () => {
        throw new TypeError('Module scripts are not supported in workers');
      },
      { logger },
    );
    await waitFor(() => sync.getStatus().state === 'online', 5000, 'online through the fallback');
    // Mutation caught: createSyncline writing to console instead of options.logger.
    expect(logged).toEqual([expect.stringMatching(/Worker did not start/)]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    await sync.close();
    db.close();
  });
});
