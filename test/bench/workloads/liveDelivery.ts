/**
 * Issue 11 (live delivery): update latency and convergence of Yjs documents
 * for Syncline, Hocuspocus and @y/websocket-server in the same run, on the
 * issue's three shapes, and records written through server A seen by a
 * client of server B.
 *
 * Syncline: one server child on 3 SQLite nodes (semi-sync), clients are
 * @syncline/client instances (fake-indexeddb, engine in-process) in this
 * process, all documents in ONE space (per-document subscription keeps each
 * client to its document). Records A→B: two server children sharing the
 * node files, fanning out through Redis; a raw Socket.IO writer on A and a
 * Syncline client on B; latency = write sent → row in B's Dexie table.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSyncline, type EngineTuning } from '@syncline/client';
import { runYjs, type YjsPeer, type YjsShape } from '../lib/yjsDriver.js';
import { cpuMsOf, startChild } from '../lib/child.js';
import { percentile, sleep } from '../lib/stats.js';
import { startSyncline } from '../lib/syncline.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';
import { hocuspocusPeer, yWebsocketPeer } from './yjsPeers.js';
import { synclinePeer } from './yjsSyncline.js';
import { connectClient, request } from '../../helpers/syncClient.js';
import { ChangeMaker } from '../../helpers/changes.js';

export const LIVE_SHAPES = (quick: boolean): { typing: YjsShape; burst: YjsShape; many: YjsShape } => ({
  typing: { clients: 2, edits: quick ? 60 : 150, everyMs: 30 },
  burst: { clients: 10, edits: quick ? 200 : 1000, everyMs: 0 },
  many: { clients: quick ? 40 : 100, edits: quick ? 50 : 200, everyMs: 0, docs: 10 },
});
const RECORD_WRITES = (quick: boolean) => (quick ? 100 : 300);

async function peerRun(script: string, shape: YjsShape, peer: (url: string, doc: string) => YjsPeer) {
  const child = await startChild<{ port: number }>(script);
  try {
    await sleep(200);
    const url = `ws://127.0.0.1:${child.info.port}`;
    return await runYjs(
      shape,
      (_i, doc) => peer(url, doc),
      () => cpuMsOf(child.proc.pid!),
    );
  } finally {
    await child.stop();
  }
}

async function synclineRun(dir: string, shape: YjsShape, engine: EngineTuning = {}) {
  mkdirSync(dir, { recursive: true });
  const srv = await startSyncline(dir, 'semi-sync');
  try {
    await sleep(200);
    const space = `live-${randomUUID().slice(0, 8)}`;
    return await runYjs(
      shape,
      (i, doc) => synclinePeer(srv.url, space, i, doc, engine),
      () => cpuMsOf(srv.proc.pid!),
    );
  } finally {
    await srv.stop();
  }
}

/** Records: writes through server A, latency until the row is in the Dexie table of a client on server B. */
async function recordsAtoB(dir: string, n: number): Promise<{ p50: number; p99: number }> {
  mkdirSync(dir, { recursive: true });
  const redis = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const a = await startSyncline(dir, 'semi-sync', ['--redis', redis, '--poll-poke-ms', '0', '--server-id', 'bench-a']);
  const b = await startSyncline(dir, 'semi-sync', ['--redis', redis, '--poll-poke-ms', '0', '--server-id', 'bench-b']);
  const space = `rec-${randomUUID().slice(0, 8)}`;
  const db = new Dexie(`live-rec-${space}`) as Dexie & { items: Dexie.Table<{ id: string; t: number }, string> };
  db.version(1).stores({ items: 'id' });
  const sync = createSyncline(db, {
    tables: ['items'],
    servers: [b.url],
    defaultSpace: space,
    spaces: [space],
    leaderElection: false,
    worker: false,
  });
  const writer = await connectClient(a.url, { clientId: 'bench-w' });
  try {
    const maker = new ChangeMaker('bench-w');
    await new Promise<void>((res) => {
      const off = sync.subscribe((s) => s.state === 'online' && (queueMicrotask(() => off()), res()));
    });
    const sent = new Map<string, number>();
    const lat: number[] = [];
    db.items.hook('creating', (id) => {
      const t0 = sent.get(id as string);
      if (t0 !== undefined) lat.push(performance.now() - t0);
    });
    // Warm-up: the Redis adapter subscribes asynchronously, and the first write of a space pokes.
    for (let i = 0; i < 20; i++) {
      await request(writer, 'push', { changes: [maker.put(space, `warm${i}`, { t: 0 })] });
      await sleep(50);
    }
    for (let i = 0; i < n; i++) {
      const id = `r${i}`;
      sent.set(id, performance.now());
      await request(writer, 'push', { changes: [maker.put(space, id, { t: i })] });
      await sleep(10);
    }
    const end = Date.now() + 30_000;
    while (lat.length < n && Date.now() < end) await sleep(20);
    if (lat.length < n) throw new Error(`records A→B: ${lat.length}/${n} seen on B`);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99) };
  } finally {
    writer.close();
    await sync.close();
    db.close();
    await Promise.all([a.stop(), b.stop()]);
  }
}

export const liveDelivery: Workload = {
  name: 'live',
  reps: 1,
  describe: (quick) => {
    const s = LIVE_SHAPES(quick);
    return `issue 11: Yjs update latency (edit → seen by every other client) and convergence, Syncline vs Hocuspocus vs @y/websocket-server in the same run: typing ${s.typing.clients}×${s.typing.edits} every ${s.typing.everyMs} ms; burst ${s.burst.clients}×${s.burst.edits} as fast as they come; ${s.many.clients} clients on ${s.many.docs} docs × ${s.many.edits} edits (Syncline: all docs in one space). Records: ${RECORD_WRITES(quick)} puts on server A → row in the Dexie table of a client on server B (Redis fan-out)`;
  },
  async run(ctx: BenchContext): Promise<Metrics> {
    const out: Metrics = {};
    for (const [name, shape] of Object.entries(LIVE_SHAPES(ctx.quick))) {
      const peers = [
        ['hocuspocus', () => peerRun('servers/hocuspocusServer.ts', shape, hocuspocusPeer)],
        ['ywebsocket', () => peerRun('servers/yWebsocketServer.ts', shape, yWebsocketPeer)],
        ['syncline', () => synclineRun(join(ctx.dir, `yjs-${name}`), shape)],
        // The same client with eager pushes off (docs/documents.md "Latency"; on by default), same run.
        ...(name === 'many'
          ? []
          : ([['synclineNoEager', () => synclineRun(join(ctx.dir, `yjs-${name}-noeager`), shape, { maxEagerPushes: 0 })]] as const)),
      ] as const;
      for (const [who, go] of peers) {
        const r = await go();
        ctx.log(`${name} ${who}: ${JSON.stringify(r)}`);
        out[`live.${name}.${who}.p50`] = r.p50;
        out[`live.${name}.${who}.p99`] = r.p99;
        out[`live.${name}.${who}.converge`] = r.converge;
        if (r.cpuPerEditMs !== undefined) out[`live.${name}.${who}.cpuPerEdit`] = r.cpuPerEditMs;
      }
    }
    const rec = await recordsAtoB(join(ctx.dir, 'records'), RECORD_WRITES(ctx.quick));
    ctx.log(`records A→B: ${JSON.stringify(rec)}`);
    out['live.records.p50'] = rec.p50;
    out['live.records.p99'] = rec.p99;
    return out;
  },
};
