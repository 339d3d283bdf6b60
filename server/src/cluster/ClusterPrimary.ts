/**
 * The node:cluster primary of `syncline-server --processes N`. It serves
 * nothing itself: it forks N workers, each a full server on its own port
 * (distinct URLs, so clients fail over between them with the WebSocket
 * transport and no sticky sessions), relays the cluster adapter's messages
 * between them (`setupPrimary()` of @socket.io/cluster-adapter), restarts a
 * worker that died on the same port, and on stop drains them all.
 *
 * Why distinct ports and not one shared port: a shared listening socket
 * would need sticky sessions for Socket.IO and would hide a dead worker
 * behind the live ones; one URL per worker is what the client's server
 * list, failover and the `kill -9` demo are built around.
 */
import cluster, { type Worker } from 'node:cluster';
import { setupPrimary as setupAdapterPrimary } from '@socket.io/cluster-adapter';
import { isListeningMessage, slotEnv, type WorkerSlot } from './workerEnv.js';

export interface ClusterPrimaryOptions {
  processes: number;
  /** Worker i serves basePort + i; 0: each picks a free port once and keeps it. */
  basePort: number;
  /** Worker i gets the server id `${serverId}-${i + 1}` (stable across restarts). */
  serverId: string;
  /** First restart delay; doubled while a worker keeps dying soon after start. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** How long a worker may drain before it is SIGKILLed (its own drain is bounded at ~10 s). */
  stopTimeoutMs?: number;
  say(line: string): void;
  /** A worker exited before it ever served: the configuration is broken, restarting would loop. */
  onFatal(code: number): void;
}

interface Slot extends WorkerSlot {
  worker: Worker | undefined;
  served: boolean;
  listenedAt: number;
  delayMs: number;
  timer: NodeJS.Timeout | undefined;
}

/** A worker that served at least this long is healthy again: its next restart is quick. */
const STABLE_MS = 10_000;

export class ClusterPrimary {
  private readonly slots: Slot[];
  private stopping = false;

  constructor(private readonly opts: ClusterPrimaryOptions) {
    this.slots = Array.from({ length: opts.processes }, (_, index) => ({
      index,
      port: opts.basePort === 0 ? 0 : opts.basePort + index,
      serverId: `${opts.serverId}-${index + 1}`,
      worker: undefined,
      served: false,
      listenedAt: 0,
      delayMs: this.baseDelay,
      timer: undefined,
    }));
  }

  private get baseDelay(): number {
    return this.opts.restartDelayMs ?? 1000;
  }

  start(): void {
    // Structured clone over IPC: awareness and Yjs updates are binary; JSON IPC would turn them into plain objects.
    cluster.setupPrimary({ serialization: 'advanced' });
    setupAdapterPrimary();
    for (const slot of this.slots) this.fork(slot);
  }

  /** SIGTERM every worker (each drains), wait; resolves true when all exited cleanly. */
  async stop(): Promise<boolean> {
    this.stopping = true;
    const exits = this.slots.map((slot) => {
      clearTimeout(slot.timer);
      const w = slot.worker;
      if (!w || w.isDead()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const kill = setTimeout(() => w.process.kill('SIGKILL'), this.opts.stopTimeoutMs ?? 30_000);
        w.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code === 0);
        });
        w.process.kill('SIGTERM');
      });
    });
    return (await Promise.all(exits)).every(Boolean);
  }

  private fork(slot: Slot): void {
    slot.timer = undefined;
    const worker = cluster.fork(slotEnv(slot));
    slot.worker = worker;
    worker.on('message', (msg: unknown) => {
      if (!isListeningMessage(msg)) return;
      slot.port = msg.port;
      slot.served = true;
      slot.listenedAt = Date.now();
    });
    worker.once('exit', (code, signal) => this.onExit(slot, worker, code, signal));
  }

  private onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker || this.stopping) return;
    slot.worker = undefined;
    const how = signal ?? `code ${code}`;
    const pid = worker.process.pid;
    if (!slot.served) {
      this.opts.say(`syncline-server worker ${slot.index + 1} (pid ${pid}) exited (${how}) before serving; stopping`);
      this.opts.onFatal(code || 1);
      return;
    }
    const stable = slot.listenedAt > 0 && Date.now() - slot.listenedAt >= STABLE_MS;
    if (stable) slot.delayMs = this.baseDelay;
    const delay = slot.delayMs;
    slot.delayMs = Math.min(delay * 2, this.opts.maxRestartDelayMs ?? 30_000);
    slot.listenedAt = 0;
    this.opts.say(`syncline-server worker ${slot.index + 1} (pid ${pid}, port ${slot.port}) exited (${how}); restarting it in ${delay} ms`);
    slot.timer = setTimeout(() => this.fork(slot), delay);
  }
}
