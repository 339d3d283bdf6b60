/**
 * Issue 13 F5 against a real server process with HS256 auth: the seq
 * watcher (fanout/PollPoker.ts) checked every subscribed space in one loop
 * of awaits; with SQLite nodes those resolve without I/O waits, so 600
 * sockets × 100 spaces stalled /healthz for 49 s. Now a round yields to
 * the event loop every few spaces and is capped per round. Measured here:
 * the server's event-loop delay p99 (prom-client, /metrics) over ~4 s while
 * 60,000 spaces are watched every 100 ms must stay under 100 ms; /healthz
 * latency from this process is printed (it also includes the test
 * process's own load: on the shared 2-core machine its p99 passed 100 ms
 * even with the watcher off, so it is reported, not asserted).
 * Measured on the shared 2-core machine (load ~10): fixed, loop p99 49 ms,
 * /healthz p99 40 ms; watcher off, loop p99 18 ms; the old watcher fails.
 * Mutation that makes this fail: the PollPoker of main before this commit
 * (one sequential loop over every space each round).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';
import { sleep } from './support/connect.js';

let srv: SpawnedServer;
const sockets: Socket[] = [];
beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET, '--poll-poke-ms', '100', '--max-subscriptions', '100'] });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.kill('SIGKILL');
});

describe('seq watcher under load', () => {
  it('600 sockets × 100 spaces: server event-loop delay p99 < 100 ms (/healthz latency printed)', async () => {
    const token = await hsToken({ spaces: { '*': 'read' } }, { ttlSec: 3000 });
    for (let batch = 0; batch < 12; batch++) {
      const opened = await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const i = batch * 50 + j;
          const s = await connectClient(srv.url, { clientId: `load-${i}`, token });
          await request(s, 'subscribe', { spaces: Array.from({ length: 100 }, (_, k) => `sp-${i}-${k}`) }, 30_000);
          return s;
        }),
      );
      sockets.push(...opened);
    }
    await sleep(1000); // let the watcher pick all 60,000 spaces up
    await fetch(`${srv.url}/metrics`).then((r) => r.text()); // prom-client resets its loop-delay histogram on each scrape
    const times: number[] = [];
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      const t0 = performance.now();
      const res = await fetch(`${srv.url}/healthz`);
      await res.text();
      times.push(performance.now() - t0);
      expect(res.status).toBe(200);
      await sleep(10);
    }
    times.sort((a, b) => a - b);
    const p99 = times[Math.floor(times.length * 0.99)]!;
    const metrics = await fetch(`${srv.url}/metrics`).then((r) => r.text());
    console.log(
      `/healthz over ${times.length} requests: p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
    );
    const lag = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)![1]) * 1000;
    console.log(
      `server event-loop delay over the same window: p99 ${lag('nodejs_eventloop_lag_p99_seconds').toFixed(1)} ms, max ${lag('nodejs_eventloop_lag_max_seconds').toFixed(1)} ms`,
    );
    // The server's own loop delay is the claim: /healthz timing from this process also pays for the
    // 600 client sockets here and for the shared machine (p99 > 100 ms with the watcher off, too).
    expect(lag('nodejs_eventloop_lag_p99_seconds')).toBeLessThan(100);
  }, 120_000);
});
