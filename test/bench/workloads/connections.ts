/**
 * Workload 6: server memory per idle connection. The server runs in a child
 * process; N clients connect from another child (welcomed, subscribed to one
 * space each for Syncline); after a settle pause, (RSS after − RSS before) / N.
 * Baseline: a bare Socket.IO server with the same clients.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { rssOf, startChild } from '../lib/child.js';
import { sleep } from '../lib/stats.js';
import { startSyncline } from '../lib/syncline.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';

const COUNTS = [1000, 5000];
const SETTLE_MS = 2000;

async function perConnection(pid: number, url: string, n: number, kind: 'syncline' | 'plain'): Promise<number> {
  await sleep(SETTLE_MS);
  const before = rssOf(pid);
  const clients = await startChild<{ connected: number }>('servers/idleClients.ts', [url, String(n), kind]);
  try {
    if (clients.info.connected !== n) throw new Error(`only ${clients.info.connected} of ${n} clients connected`);
    await sleep(SETTLE_MS);
    return (rssOf(pid) - before) / n / 1024;
  } finally {
    await clients.stop();
  }
}

export const connections: Workload = {
  name: 'connections',
  describe: () =>
    `${COUNTS.join(' and ')} idle socket.io-client connections (WebSocket) from a separate process; server RSS delta ÷ n after a ${SETTLE_MS} ms settle; a fresh server per count. Syncline: semi-sync on 3 SQLite files, each client welcomed and subscribed to one space; baseline: a bare Socket.IO 4.8 server`,
  async run(ctx: BenchContext): Promise<Metrics> {
    const out: Metrics = {};
    for (const n of COUNTS) {
      const dir = join(ctx.dir, `n${n}`);
      mkdirSync(dir);
      const srv = await startSyncline(dir, 'semi-sync');
      try {
        out[`conn.syncline.n${n}`] = await perConnection(srv.proc.pid!, srv.url, n, 'syncline');
      } finally {
        await srv.stop();
      }
      const plain = await startChild<{ port: number }>('servers/socketioRelay.ts');
      try {
        out[`conn.socketio.n${n}`] = await perConnection(plain.proc.pid!, `http://127.0.0.1:${plain.info.port}`, n, 'plain');
      } finally {
        await plain.stop();
      }
      ctx.log(`n=${n}: syncline ${out[`conn.syncline.n${n}`]!.toFixed(1)} KiB, socket.io ${out[`conn.socketio.n${n}`]!.toFixed(1)} KiB`);
    }
    return out;
  },
};
