/**
 * Workload 3 (ours): the same Yjs driver with N @syncline/client instances
 * (each its own Dexie database on fake-indexeddb, engine in-process) editing
 * one document through a server child (semi-sync, 3 SQLite files). The peers'
 * clients keep documents in memory only, ours persist every edit to
 * IndexedDB first — part of what is measured.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSyncline, type EngineTuning } from '@syncline/client';
import { runYjs, type YjsPeer } from '../lib/yjsDriver.js';
import { rssOf } from '../lib/child.js';
import { sleep } from '../lib/stats.js';
import { startSyncline } from '../lib/syncline.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';
import { YJS_SHAPE } from './yjsShape.js';

export async function synclinePeer(
  url: string,
  space: string,
  i: number,
  docName = 'bench-doc',
  engine: EngineTuning = {},
): Promise<YjsPeer> {
  const db = new Dexie(`yjs-${space}-${i}`);
  db.version(1).stores({});
  const sync = createSyncline(db, {
    tables: [],
    servers: [url],
    defaultSpace: space,
    leaderElection: false,
    worker: false,
    engine: { backoff: { baseMs: 20, maxMs: 200 }, ...engine },
  });
  await db.open();
  const d = sync.doc(space, docName);
  const online = new Promise<void>((res) => {
    const off = sync.subscribe((s) => {
      if (s.state === 'online') {
        queueMicrotask(() => off());
        res();
      }
    });
  });
  return {
    doc: d.doc,
    synced: Promise.all([d.whenLoaded, online]).then(() => undefined),
    async destroy() {
      await d.destroy();
      await sync.close();
      db.close();
    },
  };
}

export const yjsSyncline: Workload = {
  name: 'yjs-syncline',
  describe: (quick) => {
    const s = YJS_SHAPE(quick);
    return `the yjs-peers workload (${s.clients} clients × ${s.edits} edits) with @syncline/client documents (\`sync.doc(space, id)\`, fake-indexeddb in Node, engine in-process) through a server child (semi-sync, 3 SQLite files); server RSS growth measured the same way`;
  },
  async run(ctx: BenchContext): Promise<Metrics> {
    const dir = join(ctx.dir, 'srv');
    mkdirSync(dir);
    const srv = await startSyncline(dir, 'semi-sync');
    try {
      await sleep(200);
      const before = rssOf(srv.proc.pid!);
      const space = `yjs-${randomUUID().slice(0, 8)}`;
      const r = await runYjs(YJS_SHAPE(ctx.quick), (i) => synclinePeer(srv.url, space, i));
      const mem = (rssOf(srv.proc.pid!) - before) / 2 ** 20;
      ctx.log(`syncline: ${JSON.stringify({ ...r, mem })}`);
      return { 'yjs.syncline.converge': r.converge, 'yjs.syncline.p50': r.p50, 'yjs.syncline.p99': r.p99, 'yjs.syncline.mem': mem };
    } finally {
      await srv.stop();
    }
  },
};
