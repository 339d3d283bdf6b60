/**
 * Replication log lines: one per event, rate limited per subject, the
 * NOT_ENOUGH_REPLICAS / degraded lines once per episode; and the replicator
 * really emits them for a node going down and back, maintenance and repair.
 *
 * Mutations caught: `take()` never refusing (the flapping node writes 5
 * lines instead of 2); `fullAck()` not ending the episode (the second
 * episode's refusal is never logged); NodeSet not calling onState on
 * markDown (no "storage node down" line).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter, ReplicationEvents, type EventLogger } from './ReplicationEvents.js';
import { Replicator } from './Replicator.js';
import { makeOps, sqliteCluster, type SqliteCluster } from '../testing/sqliteCluster.js';

function memoryLogger(): EventLogger & { lines: { level: string; msg: string; obj: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> }),
    warn: (obj, msg) => lines.push({ level: 'warn', msg, obj: obj as Record<string, unknown> }),
  };
}

describe('rate limiting', () => {
  it('allows one line per key per interval and reports what it suppressed', () => {
    let t = 0;
    const r = new RateLimiter(1000, () => t);
    expect(r.take('a')).toEqual({ ok: true, suppressed: 0 });
    t = 500;
    expect(r.take('a')).toEqual({ ok: false });
    expect(r.take('b')).toEqual({ ok: true, suppressed: 0 }); // keys are independent
    expect(r.take('a')).toEqual({ ok: false });
    t = 1000;
    expect(r.take('a')).toEqual({ ok: true, suppressed: 2 });
    t = 1999;
    expect(r.take('a')).toEqual({ ok: false });
  });

  it('a flapping node writes one down line per interval, the next says how many were suppressed', () => {
    let t = 0;
    const log = memoryLogger();
    const ev = new ReplicationEvents(log, 10_000, () => t);
    for (let i = 0; i < 4; i++) {
      ev.nodeDown('n2', 'ping failed');
      t += 1000;
    }
    t = 10_000;
    ev.nodeDown('n2', 'ping failed');
    expect(log.lines.map((l) => [l.msg, l.obj.suppressed])).toEqual([
      ['storage node down', undefined],
      ['storage node down', 3],
    ]);
  });

  it('NOT_ENOUGH_REPLICAS and degraded acks: one line per episode; a full ack ends the episode', () => {
    let t = 0;
    const log = memoryLogger();
    const ev = new ReplicationEvents(log, 10_000, () => t);
    for (let i = 0; i < 100; i++) ev.notEnoughReplicas('sync', 3, 2);
    for (let i = 0; i < 100; i++) ev.degradedAck('sync');
    expect(log.lines.map((l) => l.msg)).toEqual([expect.stringContaining('NOT_ENOUGH_REPLICAS'), expect.stringContaining('degraded')]);
    ev.fullAck();
    t = 20_000;
    ev.notEnoughReplicas('sync', 3, 1);
    expect(log.lines).toHaveLength(3);
    expect(log.lines[2]!.obj).toMatchObject({ mode: 'sync', required: 3, up: 1 });
    // A new episode within the interval is still rate limited.
    ev.fullAck();
    ev.notEnoughReplicas('sync', 3, 1);
    expect(log.lines).toHaveLength(3);
  });
});

describe('the replicator logs its events', () => {
  let cluster: SqliteCluster | undefined;
  let rep: Replicator | undefined;
  afterEach(async () => {
    await rep?.close();
    await cluster?.cleanup();
  });

  it('node down and up, maintenance in and out, repair start and finish, the first refusal', async () => {
    cluster = await sqliteCluster(3);
    const log = memoryLogger();
    rep = new Replicator(cluster.nodes, { mode: 'sync', healthIntervalMs: 60_000, writeTimeoutMs: 2000, logger: log });
    await rep.ready();
    const [, n2, n3] = cluster.nodes;
    n3!.down();
    await rep.healthCheck();
    await rep.write(makeOps('c1', 1, 2));
    await rep.write(makeOps('c1', 3, 2));
    n3!.up();
    await rep.healthCheck();
    await expect.poll(() => log.lines.some((l) => l.msg === 'repair finished' && l.obj.node === n3!.id), { timeout: 10_000 }).toBe(true);
    rep.setMaintenance(n2!.id, true);
    rep.setMaintenance(n2!.id, false);
    const msgs = log.lines.map((l) => `${l.msg} ${String(l.obj.node ?? '')}`.trim());
    expect(msgs).toEqual(
      expect.arrayContaining([
        `storage node down ${n3!.id}`,
        expect.stringContaining('NOT_ENOUGH_REPLICAS'),
        `storage node back up (repair follows) ${n3!.id}`,
        `repair started ${n3!.id}`,
        `repair finished ${n3!.id}`,
        `storage node into maintenance ${n2!.id}`,
        `storage node out of maintenance (repair follows) ${n2!.id}`,
      ]),
    );
    expect(msgs.filter((m) => m.includes('NOT_ENOUGH_REPLICAS'))).toHaveLength(1);
    const finished = log.lines.find((l) => l.msg === 'repair finished' && l.obj.node === n3!.id)!;
    expect(finished.obj).toMatchObject({ ok: true, ops: expect.any(Number), durationMs: expect.any(Number) });
  });
});
