/**
 * The contract between the `--processes N` primary and its workers: the
 * primary forks each worker with its slot in the environment (so a
 * restarted worker gets the same port and server id), and a worker tells
 * the primary over IPC where it actually listens (`--port 0` picks a free
 * port once; restarts then reuse it, keeping the URL clients know).
 */
import cluster from 'node:cluster';

const ENV = {
  index: 'SYNCLINE_WORKER_INDEX',
  port: 'SYNCLINE_WORKER_PORT',
  serverId: 'SYNCLINE_WORKER_SERVER_ID',
} as const;

export interface WorkerSlot {
  /** 0-based; worker i serves `--port + i`. */
  index: number;
  port: number;
  serverId: string;
}

export interface ListeningMessage {
  type: 'syncline:listening';
  port: number;
  url: string;
}

export function slotEnv(slot: WorkerSlot): Record<string, string> {
  return { [ENV.index]: String(slot.index), [ENV.port]: String(slot.port), [ENV.serverId]: slot.serverId };
}

/** This process's slot when it is a worker forked by the primary, else undefined. */
export function workerSlot(env: NodeJS.ProcessEnv = process.env): WorkerSlot | undefined {
  if (!cluster.isWorker || env[ENV.index] === undefined) return undefined;
  return { index: Number(env[ENV.index]), port: Number(env[ENV.port]), serverId: env[ENV.serverId]! };
}

export function reportListening(port: number, url: string): void {
  process.send?.({ type: 'syncline:listening', port, url } satisfies ListeningMessage);
}

export function isListeningMessage(msg: unknown): msg is ListeningMessage {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'syncline:listening';
}
