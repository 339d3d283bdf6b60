/**
 * Workload 2: a write through server A seen by clients on server B, both
 * Syncline servers on the same three SQLite files (semi-sync) with the Redis
 * adapter and the poll poker off, so every poke crosses Redis. Baseline: two
 * bare Socket.IO servers with the same adapter relaying a broadcast (no storage).
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { startChild } from '../lib/child.js';
import { waitFor } from '../lib/stats.js';
import { runFanout, type FanoutSide } from '../lib/fanoutDriver.js';
import { ChangeMaker, connectClient, pushOk, request, startSyncline } from '../lib/syncline.js';
import type { BenchContext, Metrics, Workload } from '../lib/types.js';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SHAPES = [
  { key: 'r10x10', rooms: 10, perRoom: 10 },
  { key: 'r1x100', rooms: 1, perRoom: 100 },
];
const rounds = (quick: boolean) => (quick ? 20 : 100);

function connectPlain(url: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((res, rej) => {
    s.once('connect', () => res(s));
    s.once('connect_error', rej);
  });
}

function synclineSide(urlA: string, urlB: string, tag: string): FanoutSide {
  const maker = new ChangeMaker(`fw${tag}`);
  return {
    receiver: (i) => connectClient(urlB, { clientId: `fr${tag}-${i}` }),
    subscribe: async (s, room) => void (await request(s, 'subscribe', { spaces: [room] })),
    writer: () => connectClient(urlA, { clientId: `fw${tag}` }),
    write: (s, room, seq) => pushOk(s, [maker.put(room, `x${seq}`, { seq })], 'semi-sync'),
  };
}

function plainSide(urlA: string, urlB: string): FanoutSide {
  return {
    receiver: () => connectPlain(urlB),
    subscribe: async (s, room) => void (await s.timeout(10_000).emitWithAck('join', room)),
    writer: () => connectPlain(urlA),
    write: async (s, room) => void (await s.timeout(10_000).emitWithAck('send', room)),
  };
}

export const fanout: Workload = {
  name: 'fanout',
  describe: (quick) =>
    `${rounds(quick)} rounds of one write per room; 10 rooms × 10 clients and 1 room × 100 clients on server B, writer on server A; Syncline: two server children on the same 3 SQLite files, \`--ack semi-sync --redis ${REDIS} --poll-poke-ms 0\`, latency from push sent to poke received (includes the durable write); baseline: two bare Socket.IO servers with @socket.io/redis-adapter; also Syncline with the cluster adapter (\`--processes 2\`, writer on worker 1, clients on worker 2, same baseline)`,
  async run(ctx: BenchContext): Promise<Metrics> {
    const out: Metrics = {};
    const extra = ['--redis', REDIS, '--poll-poke-ms', '0'];
    const a = await startSyncline(ctx.dir, 'semi-sync', extra);
    const b = await startSyncline(ctx.dir, 'semi-sync', extra);
    try {
      for (const sh of SHAPES) {
        const tag = randomUUID().slice(0, 8);
        const rooms = Array.from({ length: sh.rooms }, (_, i) => `bench-${tag}-${i}`);
        const r = await runFanout(synclineSide(a.url, b.url, tag), rooms, sh.perRoom, rounds(ctx.quick));
        ctx.log(`syncline ${sh.key}: ${JSON.stringify(r)}`);
        out[`fanout.${sh.key}.p50`] = r.p50;
        out[`fanout.${sh.key}.p99`] = r.p99;
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    // Cluster adapter: one `--processes 2` primary; its workers listen on port and port + 1.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const cl = await startSyncline(ctx.dir, 'semi-sync', ['--processes', '2', '--port', String(port), '--poll-poke-ms', '0']);
    try {
      await waitFor(() => (cl.output().match(/listening on http/g) ?? []).length >= 2, 60_000, 'both cluster workers', 50);
      const urls = [...cl.output().matchAll(/listening on (http:\/\/\S+)/g)].map((m) => m[1]!);
      for (const sh of SHAPES) {
        const tag = randomUUID().slice(0, 8);
        const rooms = Array.from({ length: sh.rooms }, (_, i) => `benchcl-${tag}-${i}`);
        const r = await runFanout(synclineSide(urls[0]!, urls[1]!, tag), rooms, sh.perRoom, rounds(ctx.quick));
        ctx.log(`syncline cluster ${sh.key}: ${JSON.stringify(r)}`);
        out[`fanoutcl.${sh.key}.p50`] = r.p50;
        out[`fanoutcl.${sh.key}.p99`] = r.p99;
      }
    } finally {
      await cl.stop();
    }
    const pa = await startChild<{ port: number }>('servers/socketioRelay.ts', [REDIS]);
    const pb = await startChild<{ port: number }>('servers/socketioRelay.ts', [REDIS]);
    try {
      for (const sh of SHAPES) {
        const tag = randomUUID().slice(0, 8);
        const rooms = Array.from({ length: sh.rooms }, (_, i) => `benchbase-${tag}-${i}`);
        const r = await runFanout(
          plainSide(`http://127.0.0.1:${pa.info.port}`, `http://127.0.0.1:${pb.info.port}`),
          rooms,
          sh.perRoom,
          rounds(ctx.quick),
        );
        ctx.log(`socket.io ${sh.key}: ${JSON.stringify(r)}`);
        out[`fanoutbase.${sh.key}.p50`] = r.p50;
        out[`fanoutbase.${sh.key}.p99`] = r.p99;
      }
    } finally {
      await Promise.all([pa.stop(), pb.stop()]);
    }
    return out;
  },
};
