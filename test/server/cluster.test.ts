/**
 * `syncline-server --processes 2`: a node:cluster primary and two workers on
 * their own ports, started through the real CLI. With the seq watcher off
 * (`--poll-poke-ms 0`) only the cluster adapter can carry a poke or an
 * awareness update from one worker to the other. A SIGKILLed worker comes
 * back on the same port; SIGTERM of the primary drains both and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { Socket } from 'socket.io-client';
import type { AwarenessMessage, PushReply } from '@syncline/shared';
import { REPO_ROOT, tempDir } from '../helpers/spawnServer.js';
import { connectClient, nextDelivery, nextEvent, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';
import { redisUrl } from '../helpers/services.js';

const LISTENING = /syncline-server listening on (http:\/\/\S+) \(worker (\d+), pid (\d+)\)/g;

interface Worker {
  url: string;
  pid: number;
}

interface Cluster {
  proc: ChildProcess;
  dataDir: string;
  output(): string;
  exited: Promise<number | null>;
  /** The latest listening line of each worker (1-based index). */
  worker(n: number): Worker | undefined;
  /** Resolves once `ok` holds for the output (polling), or rejects after `ms`. */
  waitFor(what: string, ok: () => boolean, ms?: number): Promise<void>;
}

const started: Cluster[] = [];
const sockets: Socket[] = [];
/** One cluster for the fan-out and restart tests (a start costs seconds on a 2-core box). */
let shared: Cluster | undefined;
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(
    started
      .splice(0)
      .filter((c) => c !== shared)
      .map(dispose),
  );
});
afterAll(async () => {
  if (shared) await dispose(shared);
});

async function dispose(c: Cluster): Promise<void> {
  for (const n of [1, 2]) killQuietly(c.worker(n)?.pid);
  c.proc.kill('SIGKILL');
  await c.exited;
  await rm(c.dataDir, { recursive: true, force: true });
}

function killQuietly(pid: number | undefined): void {
  try {
    if (pid) process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function startCluster(extra: string[] = []): Promise<Cluster> {
  const dataDir = tempDir('syncline-cluster-');
  const args = ['--processes', '2', '--port', '0', '--data-dir', dataDir, '--poll-poke-ms', '0', '--log-level', 'warn', ...extra];
  const proc = spawn(
    process.execPath,
    ['--conditions=@syncline/source', '--import', 'tsx', join(REPO_ROOT, 'server/src/cli.ts'), ...args],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const worker = (n: number) => {
    let last: Worker | undefined;
    for (const m of out.matchAll(LISTENING)) if (Number(m[2]) === n) last = { url: m[1]!, pid: Number(m[3]) };
    return last;
  };
  const waitFor = async (what: string, ok: () => boolean, ms = 20_000) => {
    const until = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > until || proc.exitCode !== null) throw new Error(`timed out waiting for ${what}:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const cluster: Cluster = { proc, dataDir, output: () => out, exited, worker, waitFor };
  started.push(cluster);
  const t0 = Date.now();
  await waitFor('both workers listening', () => worker(1) !== undefined && worker(2) !== undefined, 30_000);
  console.log(`cluster of 2 workers up in ${Date.now() - t0} ms`);
  return cluster;
}

async function client(url: string, clientId: string): Promise<Awaited<ReturnType<typeof connectClient>>> {
  const s = await connectClient(url, { clientId });
  sockets.push(s);
  return s;
}

/** Pushes one put through `from` and resolves with how long `to` took to hear of it (poke or live `changes`). */
async function pokeLatency(from: Socket, to: Socket, maker: ChangeMaker, space: string): Promise<number> {
  const poked = nextDelivery(to, space, 3000);
  const t0 = Date.now();
  const reply = await request<PushReply>(from, 'push', { changes: [maker.put(space, maker.nextOpId(), { v: 1 })] });
  expect(reply.results[0]!.status).toBe('ok');
  await poked;
  return Date.now() - t0;
}

describe('syncline-server --processes 2 (cluster adapter)', () => {
  it('serves two distinct ports and carries pokes and awareness between workers', async () => {
    const c = (shared ??= await startCluster());
    const [w1, w2] = [c.worker(1)!, c.worker(2)!];
    expect(w1.url).not.toBe(w2.url);
    expect(w1.pid).not.toBe(w2.pid);
    const onA = await client(w1.url, 'ca');
    const onB = await client(w2.url, 'cb');
    expect(onA.welcome.serverId).not.toBe(onB.welcome.serverId);
    await request(onA, 'subscribe', { spaces: ['team'] });
    await request(onB, 'subscribe', { spaces: ['team'] });
    await request(onB, 'subscribe_docs', { space: 'team', docs: ['note'] });

    const ms = await pokeLatency(onA, onB, new ChangeMaker('ca'), 'team');
    console.log(`poke worker 1 → worker 2 in ${ms} ms (push included)`);
    expect(ms).toBeLessThan(1000);

    // Presence: a real y-protocols update from a client on worker 1 reaches worker 2 byte for byte.
    const alice = new Awareness(new Y.Doc());
    alice.setLocalState({ user: { name: 'Alice', color: '#f00' } });
    const seenByBob = new Awareness(new Y.Doc());
    const arrived = nextEvent<AwarenessMessage>(onB, 'awareness', 2000);
    onA.emit('awareness', { space: 'team', doc: 'note', update: encodeAwarenessUpdate(alice, [alice.clientID]) });
    const msg = await arrived;
    expect(msg).toMatchObject({ space: 'team', doc: 'note' });
    applyAwarenessUpdate(seenByBob, new Uint8Array(msg.update), 'remote');
    expect(seenByBob.getStates().get(alice.clientID)).toEqual({ user: { name: 'Alice', color: '#f00' } });

    // Alice's connection closes: worker 1 tells the room (on worker 2 too) she is gone.
    const gone = nextEvent<AwarenessMessage>(onB, 'awareness', 3000);
    onA.close();
    applyAwarenessUpdate(seenByBob, new Uint8Array((await gone).update), 'remote');
    expect(seenByBob.getStates().has(alice.clientID)).toBe(false);
  });

  it('restarts a SIGKILLed worker on the same port; it serves and fans out again', async () => {
    const c = (shared ??= await startCluster());
    const before = c.worker(1)!;
    const onB = await client(c.worker(2)!.url, 'kb');
    await request(onB, 'subscribe', { spaces: ['k'] });
    const t0 = Date.now();
    process.kill(before.pid, 'SIGKILL');
    await c.waitFor('worker 1 restarted', () => c.worker(1)!.pid !== before.pid, 15_000);
    console.log(`worker 1 back in ${Date.now() - t0} ms`);
    const after = c.worker(1)!;
    expect(after.url).toBe(before.url);
    expect(c.output()).toMatch(new RegExp(`worker 1 \\(pid ${before.pid}, port \\d+\\) exited \\(SIGKILL\\); restarting`));
    const onA = await client(after.url, 'ka');
    expect(await pokeLatency(onA, onB, new ChangeMaker('ka'), 'k')).toBeLessThan(1000);
    expect(c.proc.exitCode).toBeNull();
  });

  it('SIGTERM of the primary drains every worker and exits 0', async () => {
    const c = await startCluster();
    const workers = [c.worker(1)!, c.worker(2)!];
    const onA = await client(workers[0]!.url, 'ta');
    const onB = await client(workers[1]!.url, 'tb');
    const drains = [nextEvent(onA, 'drain', 10_000), nextEvent(onB, 'drain', 10_000)];
    const t0 = Date.now();
    c.proc.kill('SIGTERM');
    await Promise.all(drains);
    expect(await c.exited).toBe(0);
    console.log(`primary drained and exited in ${Date.now() - t0} ms`);
    expect(c.output()).toContain('syncline-server primary: stopped\n');
    for (const w of workers) expect(() => process.kill(w.pid, 0)).toThrow();
  });

  it('--redis: workers fan out through Redis instead', async () => {
    const redis = redisUrl();
    const c = await startCluster(['--redis', redis]);
    expect(c.output()).toContain('fan-out redis');
    const onA = await client(c.worker(1)!.url, 'ra');
    const onB = await client(c.worker(2)!.url, 'rb');
    const space = `cluster-redis-${process.pid}-${Date.now()}`;
    await request(onB, 'subscribe', { spaces: [space] });
    // The Redis adapter subscribes asynchronously after start: allow a few tries for the first poke.
    const maker = new ChangeMaker('ra');
    let ms = -1;
    for (let i = 0; i < 10 && ms < 0; i++) ms = await pokeLatency(onA, onB, maker, space).catch(() => -1);
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});
