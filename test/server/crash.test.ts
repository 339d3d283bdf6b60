/**
 * Crash safety end to end (G0, G1, G3). Several socket.io clients push
 * concurrently (half ask `sync`, half `semi-sync`) while the server process
 * is SIGKILLed and restarted on the same SQLite node files a few times.
 * Clients retry every op not acked `ok` with the same op id. Checked by
 * opening the node files directly:
 *  - after every kill, before any restart/repair: each `sync`-acked op is on
 *    all three nodes, each `semi-sync`-acked op on at least two (G3);
 *  - at the end, after repair: every op is on every node, digests are
 *    equal, and the op log holds each op exactly once (G1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { AckMode, PushReply } from '@syncline/shared';
import type { Socket } from 'socket.io-client';
import { SqliteNode } from '@syncline/server';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';
import { seededRandom as prng } from '@syncline/shared';

const CLIENTS = 4;
const OPS_PER_CLIENT = 300;
const KILLS = 3;
const SEED = Number(process.env.SYNCLINE_SEED ?? Date.now() % 100_000);

let current: SpawnedServer | undefined;
afterEach(async () => {
  await current?.kill('SIGKILL');
});

interface ClientState {
  id: string;
  ack: AckMode;
  ops: ReturnType<ChangeMaker['put']>[];
  ok: Set<string>;
}

/** Push with an ack, failing fast when the connection drops (the server was killed). */
function push(socket: Socket, payload: unknown): Promise<PushReply> {
  return new Promise((resolve, reject) => {
    const onDown = () => reject(new Error('disconnected'));
    socket.once('disconnect', onDown);
    socket.timeout(10_000).emit('push', payload, (err: Error | null, reply: PushReply) => {
      socket.off('disconnect', onDown);
      if (err) reject(err);
      else resolve(reply);
    });
  });
}

/** Pushes the client's not-yet-ok ops in batches until all are ok or the connection dies. */
async function pushUntilDone(url: string, c: ClientState, rnd: () => number): Promise<void> {
  let socket: Socket;
  try {
    socket = await connectClient(url, { clientId: c.id });
  } catch {
    return;
  }
  try {
    for (;;) {
      const todo = c.ops.filter((op) => !c.ok.has(op.opId));
      if (todo.length === 0) return;
      const batch = todo.slice(0, 1 + Math.floor(rnd() * 12));
      const reply = await push(socket, { changes: batch, ack: c.ack });
      if ('error' in reply) continue;
      for (const r of reply.results) if (r.status === 'ok') c.ok.add(r.opId);
    }
  } catch {
    // Killed mid-request: whatever was not acked ok is retried next round with the same op ids.
  } finally {
    socket.close();
  }
}

async function openNodes(dataDir: string): Promise<SqliteNode[]> {
  return Promise.all([1, 2, 3].map((i) => SqliteNode.open({ id: `node${i}`, path: join(dataDir, `node${i}.db`) })));
}

async function copiesOf(nodes: SqliteNode[], opIds: string[]): Promise<Map<string, number>> {
  const counts = new Map(opIds.map((id) => [id, 0]));
  for (const node of nodes) for (const id of await node.hasOps(opIds)) counts.set(id, counts.get(id)! + 1);
  return counts;
}

describe('SIGKILL during concurrent pushes', () => {
  it(`keeps every acked op on the nodes its mode promised, exactly once (seed ${SEED})`, async () => {
    console.log(`crash test seed: ${SEED} (set SYNCLINE_SEED to reproduce)`);
    const rnd = prng(SEED);
    const dataDir = tempDir('syncline-crash-');
    const clients: ClientState[] = Array.from({ length: CLIENTS }, (_, i) => {
      const id = `crash${i}`;
      const maker = new ChangeMaker(id);
      return {
        id,
        ack: i % 2 === 0 ? 'sync' : 'semi-sync',
        ops: Array.from({ length: OPS_PER_CLIENT }, (_, j) => maker.put('crash', `${id}-${j}`, { j, by: id })),
        ok: new Set<string>(),
      };
    });
    const allOps = clients.flatMap((c) => c.ops.map((o) => o.opId));

    for (let round = 0; round < KILLS; round++) {
      current = await spawnServer({ dataDir });
      const okCount = () => clients.reduce((n, c) => n + c.ok.size, 0);
      const before = okCount();
      const work = Promise.all(clients.map((c) => pushUntilDone(current!.url, c, rnd)));
      // Kill mid-stream: once this round has acked a random 20–50% of what is left (a point
      // measured in progress, not time, so a faster server does not finish before the kill).
      const killAt = before + Math.max(1, Math.floor((allOps.length - before) * (0.2 + rnd() * 0.3)));
      const until = Date.now() + 10_000;
      while (okCount() < killAt && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
      const remaining = allOps.length - okCount();
      await current.kill('SIGKILL');
      expect(okCount(), `round ${round} made progress`).toBeGreaterThan(before);
      expect(remaining, `round ${round} killed with work left`).toBeGreaterThan(0);
      await work;
      console.log(`round ${round}: acked ok so far ${clients.map((c) => `${c.ack}:${c.ok.size}`).join(' ')}`);

      const nodes = await openNodes(dataDir);
      try {
        for (const c of clients) {
          const copies = await copiesOf(nodes, [...c.ok]);
          const need = c.ack === 'sync' ? 3 : 2;
          const short = [...copies].filter(([, n]) => n < need);
          expect(short, `round ${round}: ${c.ack}-acked ops on too few nodes`).toEqual([]);
        }
      } finally {
        await Promise.all(nodes.map((n) => n.close()));
      }
    }
    // Final round: finish every op, repair, stop gracefully.
    current = await spawnServer({ dataDir });
    await Promise.all(clients.map((c) => pushUntilDone(current!.url, c, rnd)));
    for (const c of clients) expect(c.ok.size).toBe(OPS_PER_CLIENT);
    const repair = await fetch(`${current.url}/admin/repair`, { method: 'POST' });
    expect(repair.status).toBe(200);
    expect(await current.stop()).toBe(0);

    const nodes = await openNodes(dataDir);
    try {
      const copies = await copiesOf(nodes, allOps);
      expect([...copies].filter(([, n]) => n !== 3)).toEqual([]);
      for (const node of nodes) expect(await node.opCount()).toBe(allOps.length);
      const digests = await Promise.all(nodes.map((n) => n.digest()));
      expect(new Set(digests).size).toBe(1);
      const page = await nodes[0]!.pull('crash', 0, 10_000);
      expect(page.records.length).toBe(allOps.length);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});
