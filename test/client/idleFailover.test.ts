/**
 * An idle client (no writes, no pull due) must notice that its server is
 * gone and move on by itself: a SIGKILLed server closes the socket (acted on
 * at once), a SIGSTOPped one goes silent (the Socket.IO heartbeat notices).
 * The client's own timers are set far out (pull every 10 min, requests time
 * out after 2 min) so only the close/heartbeat path can explain a move
 * within the deadline. The deadline is generous (load); it asserts the
 * behaviour, not the speed.
 *
 * Mutations caught:
 * - keeping the pre-welcome `disconnect` listener in SocketIoTransport after
 *   `welcome` (the bug of issue 12): the SIGKILL case stays on the dead server.
 * - the Socket.IO default heartbeat (pingInterval 25 s + pingTimeout 20 s)
 *   instead of the server's 1 s + 1 s: the SIGSTOP case stays "online".
 */
import { describe, expect, it } from 'vitest';
import { openClient, startCluster, useCleanup, waitFor } from './realCluster.js';

const live = useCleanup();
const IDLE_ENGINE = { pollIntervalMs: 60_000, pullIntervalMs: 600_000, requestTimeoutMs: 120_000, backoff: { baseMs: 50, maxMs: 500 } };
/** Far beyond the ~2 s the heartbeat needs, far below the client's own timers. */
const DEADLINE_MS = 20_000;

describe('idle clients notice a dead server', () => {
  for (const signal of ['SIGKILL', 'SIGSTOP'] as const) {
    it(`${signal} of the server an idle client uses: it names the other server and syncs through it`, async () => {
      ({ servers: live.servers } = await startCluster(2));
      const urls = live.servers.map((s) => s.url);
      const a = openClient(urls, { engine: IDLE_ENGINE });
      const b = openClient([urls[1]!], { engine: IDLE_ENGINE });
      live.clients.push(a, b);
      await waitFor(() => a.sync.getStatus().state === 'online' && b.sync.getStatus().state === 'online', 15_000, 'both online');
      expect(a.sync.getStatus().server).toBe(urls[0]);
      const states: string[] = [];
      a.sync.subscribe((s) => states.push(`${s.state}@${s.server}`));

      if (signal === 'SIGKILL') await live.servers[0]!.kill('SIGKILL');
      else live.servers[0]!.proc.kill('SIGSTOP');
      const t0 = Date.now();
      await waitFor(
        () => a.sync.getStatus().state === 'online' && a.sync.getStatus().server === urls[1],
        DEADLINE_MS,
        'a online on the other server',
      );
      console.log(
        `${signal}: idle client online on the other server after ${Date.now() - t0} ms (states: ${[...new Set(states)].join(' → ')})`,
      );
      // It said so on the way: it did not jump from one "online" to the other without leaving the dead one.
      expect(states.some((s) => !s.startsWith('online'))).toBe(true);

      // And the move is real: a write made now reaches the other client (live, through the survivor).
      await a.db.items.put({ id: `after-${signal}`, v: 1 });
      await waitFor(async () => (await b.db.items.get(`after-${signal}`)) !== undefined, DEADLINE_MS, 'b received the write');
    });
  }
});
