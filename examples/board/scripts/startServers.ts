/**
 * Starts the embedded local cluster of `npm start`: one
 * `syncline-server --processes N` (TypeScript source through tsx), a
 * node:cluster primary whose workers serve `port`, `port + 1`, … on one set
 * of SQLite node files. Pokes and presence cross workers through
 * @socket.io/cluster-adapter; each worker is its own URL and process, so
 * `kill -9` of one shows client failover, and the primary restarts it on
 * its port a moment later.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './paths.js';

const LISTENING = /syncline-server listening on (http:\/\/\S+) \(worker (\d+), pid (\d+)\)/;

export interface ClusterOptions {
  /** Worker i listens on port + i. */
  port: number;
  processes: number;
  dataDir: string;
  /** Storage nodes every worker writes to (default: three SQLite files in dataDir). */
  nodes?: string[];
  ack?: string;
  host?: string;
  /** More syncline-server flags (e.g. `--extension PATH`). */
  extraArgs?: string[];
  /** Extra environment of the server processes. */
  env?: NodeJS.ProcessEnv;
  /** Receives each output line of the cluster (primary and workers). */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface ClusterServer {
  id: string;
  url: string;
  /** The worker's current process id (updated when the primary restarts it). */
  pid: number;
}

export interface LocalCluster {
  primary: ChildProcess;
  /** One per worker, in port order. */
  servers: ClusterServer[];
  exited: Promise<number | null>;
}

export function defaultNodes(dataDir: string): string[] {
  return [1, 2, 3].map((i) => `sqlite:${join(dataDir, `node${i}.db`)}`);
}

export function startServers(opts: ClusterOptions): Promise<LocalCluster> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const nodes = opts.nodes ?? defaultNodes(dataDir);
  const args = ['--conditions=@syncline/source', '--import', 'tsx', join(REPO_ROOT, 'server/src/cli.ts')];
  args.push('--processes', String(opts.processes), '--port', String(opts.port), '--host', opts.host ?? '127.0.0.1');
  args.push('--server-id', 's', '--data-dir', dataDir, '--nodes', nodes.join(','));
  if (opts.ack) args.push('--ack', opts.ack);
  args.push(...(opts.extraArgs ?? []));
  const primary = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const exited = new Promise<number | null>((res) => primary.once('exit', (code) => res(code)));
  const servers: ClusterServer[] = [];
  return new Promise((resolveStart, reject) => {
    let seen = '';
    const timeoutMs = opts.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      primary.kill('SIGKILL');
      reject(new Error(`syncline-server --processes ${opts.processes} did not start within ${timeoutMs} ms:\n${seen}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      seen += `${line}\n`;
      opts.log?.(line);
      const m = LISTENING.exec(line);
      if (!m) return;
      const index = Number(m[2]) - 1;
      servers[index] = { id: `s-${index + 1}`, url: m[1]!, pid: Number(m[3]) };
      if (servers.filter(Boolean).length === opts.processes) {
        clearTimeout(timer);
        resolveStart({ primary, servers, exited });
      }
    };
    lines(primary.stdout!, onLine);
    lines(primary.stderr!, onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`syncline-server exited with ${code} before all workers listened:\n${seen}`));
    });
  });
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

/** SIGTERM to the primary (every worker drains: finishes writes, tells clients to move), SIGKILL after `timeoutMs`. */
export async function stopServers(cluster: LocalCluster | undefined, timeoutMs = 30_000): Promise<void> {
  if (!cluster || cluster.primary.exitCode !== null || cluster.primary.signalCode !== null) return;
  const timer = setTimeout(() => cluster.primary.kill('SIGKILL'), timeoutMs);
  cluster.primary.kill('SIGTERM');
  await cluster.exited;
  clearTimeout(timer);
}
