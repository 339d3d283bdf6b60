// @vitest-environment happy-dom
/**
 * The React hooks in a real React DOM root (happy-dom for the DOM): the
 * status hook follows connection and outbox changes; the document hook
 * opens on mount, loads what was stored, and releases on unmount.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { act, createElement, StrictMode, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { Dexie } from 'dexie';
import { createSyncline, type SyncStatus } from '@syncline/client';
import { useSyncStatus, useYDoc, type YDocState } from '@syncline/client/react';
import { FakeServer, FakeStore, MemoryNetwork } from '@syncline/client/testing';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(async () => {
  await act(async () => root?.unmount());
  root = null;
});

/** Polls with each wait inside its own act(), so React commits between checks. */
async function settle(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await act(() => new Promise((r) => setTimeout(r, 25)));
  }
}

async function render(node: ReactNode): Promise<HTMLElement> {
  const el = document.createElement('div');
  root = createRoot(el);
  await act(async () => root!.render(createElement(StrictMode, null, node)));
  return el;
}

let n = 0;
function app(servers: string[], transport: MemoryNetwork['transport']) {
  const db = new Dexie(`react-${process.pid}-${Date.now()}-${++n}`);
  db.version(1).stores({ cards: 'id' });
  const sync = createSyncline(db, {
    tables: ['cards'],
    servers,
    transport,
    defaultSpace: 's1',
    leaderElection: false,
    engine: { pollIntervalMs: 50 },
  });
  return { db, sync };
}

describe('@syncline/client/react', () => {
  it('useSyncStatus re-renders with connection state and pending count', async () => {
    const network = new MemoryNetwork();
    const server = new FakeServer('srv', new FakeStore());
    network.listen('mem://a', server);
    const { db, sync } = app(['mem://a'], network.transport);
    const renders: SyncStatus[] = [];
    function Status() {
      const s = useSyncStatus(sync);
      renders.push(s);
      return createElement('p', null, `${s.state}/${s.pendingCount}`);
    }
    const el = await render(createElement(Status));
    await settle(() => el.textContent === 'online/0', 'online');
    server.kill();
    await act(async () => {
      await db.table('cards').put({ id: 'c1', title: 'offline write' });
    });
    await settle(() => el.textContent?.endsWith('/1') === true, 'one pending');
    expect(el.textContent).not.toBe('online/1');
    // Consecutive renders only when the status object changed (stable snapshot, no render loop).
    expect(renders.length).toBeLessThan(50);
    await act(async () => root?.unmount());
    root = null;
    await sync.close();
    db.close();
  });

  it('useYDoc opens the document, shows stored content, and destroys it on unmount', async () => {
    const network = new MemoryNetwork();
    const { db, sync } = app(['mem://nowhere'], network.transport);
    const first = sync.doc('s1', 'note');
    await first.whenLoaded;
    first.doc.getText('t').insert(0, 'stored text');
    await first.destroy();

    const seen: YDocState[] = [];
    function Note() {
      const d = useYDoc(sync, 's1', 'note');
      seen.push(d);
      return createElement('p', null, d.loaded ? d.doc!.getText('t').toString() : 'loading');
    }
    const el = await render(createElement(Note));
    await settle(() => el.textContent === 'stored text', 'doc loaded');
    expect(seen[0]?.doc).toBeNull();
    const handle = seen.at(-1)!.handle!;
    expect(handle.docId).toBe('note');
    let destroyed = false;
    const destroy = handle.destroy.bind(handle);
    handle.destroy = () => ((destroyed = true), destroy());
    await act(async () => root!.unmount());
    root = null;
    expect(destroyed).toBe(true);
    await sync.close();
    db.close();
  });
});
