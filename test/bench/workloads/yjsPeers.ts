/**
 * Workload 3 (peers): the Yjs driver against Hocuspocus and
 * @y/websocket-server, each server in its own child process; server memory is
 * its RSS growth from before the clients connect to after convergence.
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { WebsocketProvider } from 'y-websocket';
import { startChild } from '../lib/child.js';
import { runYjs, type YjsPeer } from '../lib/yjsDriver.js';
import { sleep } from '../lib/stats.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';
import { YJS_SHAPE } from './yjsShape.js';

export function hocuspocusPeer(url: string, name = 'bench-doc'): YjsPeer {
  const doc = new Y.Doc();
  let resolve!: () => void;
  const synced = new Promise<void>((r) => (resolve = r));
  // With `url` (no shared websocketProvider) the provider owns and connects its socket.
  const provider = new HocuspocusProvider({
    url,
    WebSocketPolyfill: WebSocket,
    name,
    document: doc,
    onSynced: () => resolve(),
  } as ConstructorParameters<typeof HocuspocusProvider>[0]);
  return { doc, synced, destroy: () => provider.destroy() };
}

export function yWebsocketPeer(url: string, name = 'bench-doc'): YjsPeer {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, name, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
  const synced = new Promise<void>((r) => provider.once('sync', () => r()));
  return { doc, synced, destroy: () => provider.destroy() };
}

async function measurePeer(quick: boolean, script: string, peer: (url: string) => YjsPeer) {
  const child = await startChild<{ port: number }>(script);
  try {
    await sleep(200);
    const before = child.rss();
    const url = `ws://127.0.0.1:${child.info.port}`;
    const r = await runYjs(YJS_SHAPE(quick), () => peer(url));
    const mem = (child.rss() - before) / 2 ** 20;
    return { ...r, mem };
  } finally {
    await child.stop();
  }
}

export const yjsPeers: Workload = {
  name: 'yjs-peers',
  describe: (quick) => {
    const s = YJS_SHAPE(quick);
    return `${s.clients} clients × ${s.edits} edits (one every ${s.everyMs} ms per client) on one document, against @hocuspocus/server 3.4 (+ provider) and @y/websocket-server 0.1 (+ y-websocket 3), servers in child processes, clients on \`ws\``;
  },
  async run(ctx: BenchContext): Promise<Metrics> {
    const out: Metrics = {};
    const h = await measurePeer(ctx.quick, 'servers/hocuspocusServer.ts', hocuspocusPeer);
    ctx.log(`hocuspocus: ${JSON.stringify(h)}`);
    const y = await measurePeer(ctx.quick, 'servers/yWebsocketServer.ts', yWebsocketPeer);
    ctx.log(`y-websocket: ${JSON.stringify(y)}`);
    for (const [name, r] of [
      ['hocuspocus', h],
      ['ywebsocket', y],
    ] as const) {
      out[`yjs.${name}.converge`] = r.converge;
      out[`yjs.${name}.p50`] = r.p50;
      out[`yjs.${name}.p99`] = r.p99;
      out[`yjs.${name}.mem`] = r.mem;
    }
    return out;
  },
};
