/** Helpers to drive a real Syncline server over the wire protocol (socket.io-client). */
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import type { AckMode, PushReply, PutChange } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../../helpers/spawnServer.js';
import { connectClient, request } from '../../helpers/syncClient.js';
import { ChangeMaker } from '../../helpers/changes.js';
import { makeRecord } from './records.js';

export { connectClient, request, ChangeMaker };

/** A server child on three SQLite files in `dir`, as in the issue's command line. */
export function startSyncline(dir: string, mode: AckMode, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<SpawnedServer> {
  const nodes = ['a', 'b', 'c'].map((n) => `sqlite:${join(dir, `${n}.db`)}`).join(',');
  return spawnServer({
    args: ['--nodes', nodes, '--ack', mode, '--log-level', 'error', ...extra],
    dataDir: dir,
    env,
    startTimeoutMs: 60_000,
  });
}

export function recordPuts(maker: ChangeMaker, space: string, from: number, count: number, bodyBytes: number, prefix: string): PutChange[] {
  const out: PutChange[] = [];
  for (let i = from; i < from + count; i++) {
    const { id, ...fields } = makeRecord(i, bodyBytes, prefix);
    out.push(maker.put(space, id, fields));
  }
  return out;
}

/** Pushes one batch and throws unless every op is `ok` (a benchmark of failing writes means nothing). */
export async function pushOk(socket: Socket, changes: PutChange[], ack: AckMode, timeoutMs = 60_000): Promise<void> {
  const reply = await request<PushReply | { error: { code: string; message: string } }>(socket, 'push', { changes, ack }, timeoutMs);
  if ('error' in reply) throw new Error(`push failed: ${reply.error.code} ${reply.error.message}`);
  const bad = reply.results.find((r) => r.status !== 'ok');
  if (bad) throw new Error(`push op ${bad.opId} ${bad.status}: ${JSON.stringify(bad.error)}`);
}

/**
 * Seeds `n` records of `bodyBytes` into `space` through a raw socket, 500 per push in `sync` mode. A loaded machine
 * can drop the connection mid-seed: it reconnects and re-sends the same ops (same op ids: idempotent).
 */
export async function seedRecords(
  url: string,
  space: string,
  n: number,
  bodyBytes: number,
  log: (line: string) => void = () => {},
): Promise<void> {
  let s = await connectClient(url, { clientId: `seed${space}` });
  const maker = new ChangeMaker(`seed${space}`);
  for (let i = 0; i < n; i += 500) {
    const batch = recordPuts(maker, space, i, Math.min(500, n - i), bodyBytes, 'r');
    for (let attempt = 1; ; attempt++) {
      try {
        await pushOk(s, batch, 'sync');
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        log(`seed push failed (${(err as Error).message}); reconnecting`);
        s.close();
        s = await connectClient(url, { clientId: `seed${space}` });
      }
    }
  }
  s.close();
}
