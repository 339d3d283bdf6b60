/**
 * The system under test: `syncline-server` child processes sharing one data
 * folder (so the same three SQLite node files), optionally fanned out over a
 * private Redis, and the operator actions the faults use: SIGKILL and
 * restart on the same port, SIGSTOP/SIGCONT, node maintenance through the
 * documented admin endpoint, Redis restart.
 */
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { startRedisInstance, type RedisInstance } from '../helpers/redisInstance.js';
import type { AckMode } from '@syncline/shared';

export const NODE_IDS = ['n1', 'n2', 'n3'] as const;
const ADMIN_TOKEN = 'chaos-admin';

interface Slot {
  name: string;
  port: number;
  proc: SpawnedServer | undefined;
  paused: boolean;
}

export class ChaosCluster {
  readonly dataDir = tempDir('syncline-chaos-');
  private readonly slots: Slot[] = [];
  /** Nodes in maintenance, re-applied to servers that (re)start meanwhile. */
  readonly maintenance = new Set<string>();
  redis: RedisInstance | undefined;

  constructor(
    private readonly mode: AckMode,
    private readonly serverCount: number,
    private readonly useRedis: boolean,
  ) {}

  async start(): Promise<void> {
    if (this.useRedis) this.redis = await startRedisInstance();
    // The first server creates the node files; the others start together.
    for (let i = 0; i < this.serverCount; i++) this.slots.push({ name: `s${i + 1}`, port: 0, proc: undefined, paused: false });
    await this.launch(this.slots[0]!);
    await Promise.all(this.slots.slice(1).map((s) => this.launch(s)));
  }

  get urls(): string[] {
    return this.slots.map((s) => `http://127.0.0.1:${s.port}`);
  }

  get servers(): readonly Slot[] {
    return this.slots;
  }

  live(): Slot[] {
    return this.slots.filter((s) => s.proc && !s.paused);
  }

  async kill(slot: Slot): Promise<void> {
    const p = slot.proc;
    slot.proc = undefined;
    if (slot.paused) p?.proc.kill('SIGCONT');
    slot.paused = false;
    await p?.kill('SIGKILL');
  }

  async launch(slot: Slot): Promise<void> {
    const args = ['--ack', this.mode, '--server-id', slot.name, '--admin-token', ADMIN_TOKEN, '--write-timeout-ms', '3000'];
    if (this.redis) args.push('--redis', this.redis.url);
    slot.proc = await spawnServer({ dataDir: this.dataDir, port: slot.port, args, startTimeoutMs: 30_000 });
    slot.port = slot.proc.port;
    for (const id of this.maintenance) await this.admin(slot, 'POST', `/admin/nodes/${id}/maintenance`).catch(() => undefined);
  }

  pause(slot: Slot): void {
    if (!slot.proc || slot.paused) return;
    slot.proc.proc.kill('SIGSTOP');
    slot.paused = true;
  }

  resume(slot: Slot): void {
    if (!slot.proc || !slot.paused) return;
    slot.proc.proc.kill('SIGCONT');
    slot.paused = false;
  }

  /** Takes a node out (or back) on every live server, as an operator would. */
  async setMaintenance(nodeId: string, on: boolean): Promise<void> {
    if (on) this.maintenance.add(nodeId);
    else this.maintenance.delete(nodeId);
    await Promise.all(
      this.live().map((s) => this.admin(s, on ? 'POST' : 'DELETE', `/admin/nodes/${nodeId}/maintenance`).catch(() => undefined)),
    );
  }

  async admin(slot: Slot, method: string, path: string): Promise<unknown> {
    const res = await fetch(`http://127.0.0.1:${slot.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`${method} ${path} on ${slot.name}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async status(
    slot: Slot,
    digests = false,
  ): Promise<{ ready: boolean; nodes: { id: string; state: string }[]; digests?: Record<string, string> }> {
    const res = await fetch(`http://127.0.0.1:${slot.port}/status${digests ? '?digests=1' : ''}`, { signal: AbortSignal.timeout(15_000) });
    return (await res.json()) as never;
  }

  /** Ends every fault: resume paused servers, restart dead ones, maintenance off, Redis up. */
  async heal(): Promise<void> {
    for (const s of this.slots) this.resume(s);
    if (this.redis && !this.redis.running) await this.redis.start();
    this.maintenance.clear();
    await Promise.all(this.slots.filter((s) => !s.proc).map((s) => this.launch(s)));
    for (const id of NODE_IDS) await this.setMaintenance(id, false);
  }

  async dispose(): Promise<void> {
    for (const s of this.slots) this.resume(s);
    await Promise.all(this.slots.map((s) => s.proc?.kill('SIGKILL')));
    await this.redis?.dispose();
  }
}
