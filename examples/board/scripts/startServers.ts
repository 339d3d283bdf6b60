/**
 * Starts `syncline-server` processes (TypeScript source through tsx) that
 * share one set of SQLite node files: the embedded local cluster of
 * `npm start`. Each server prints "syncline-server listening on URL" once it
 * serves; writes made through one reach clients of the other through the
 * shared nodes and the servers' seq watcher (poke).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './paths.js';

const LISTENING = /syncline-server listening on (http:\/\/\S+)/;

export interface ClusterOptions {
  ports: number[];
  dataDir: string;
  /** Storage nodes every server writes to (default: three SQLite files in dataDir). */
  nodes?: string[];
  ack?: string;
  host?: string;
  /** Receives each output line of each server, prefixed with its id. */
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface ClusterServer {
  id: string;
  url: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
}

export function defaultNodes(dataDir: string): string[] {
  return [1, 2, 3].map((i) => `sqlite:${join(dataDir, `node${i}.db`)}`);
}

export async function startServers(opts: ClusterOptions): Promise<ClusterServer[]> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const nodes = opts.nodes ?? defaultNodes(dataDir);
  const started: ClusterServer[] = [];
  try {
    // One after the other: the first one creates the node files and their schema.
    for (const [i, port] of opts.ports.entries()) started.push(await startOne(`s${i + 1}`, port, nodes, dataDir, opts));
    return started;
  } catch (err) {
    await stopServers(started);
    throw err;
  }
}

function startOne(id: string, port: number, nodes: string[], dataDir: string, opts: ClusterOptions): Promise<ClusterServer> {
  const args = ['--conditions=source', '--import', 'tsx', join(REPO_ROOT, 'server/src/cli.ts')];
  args.push('--port', String(port), '--host', opts.host ?? '127.0.0.1', '--server-id', id, '--data-dir', dataDir, '--nodes', nodes.join(','));
  if (opts.ack) args.push('--ack', opts.ack);
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  return new Promise((resolveStart, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server ${id} did not start within ${opts.startTimeoutMs ?? 30_000} ms:\n${seen}`));
    }, opts.startTimeoutMs ?? 30_000);
    const onLine = (line: string) => {
      seen += `${line}\n`;
      opts.log?.(`[${id}] ${line}`);
      const m = LISTENING.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveStart({ id, url: m[1]!, proc, exited });
      }
    };
    lines(proc.stdout!, onLine);
    lines(proc.stderr!, onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server ${id} exited with ${code} before listening:\n${seen}`));
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

/** SIGTERM (the server drains: finishes writes, tells clients to move), SIGKILL after `timeoutMs`. */
export async function stopServers(servers: ClusterServer[], timeoutMs = 15_000): Promise<void> {
  await Promise.all(
    servers.map(async (s) => {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
      const timer = setTimeout(() => s.proc.kill('SIGKILL'), timeoutMs);
      s.proc.kill('SIGTERM');
      await s.exited;
      clearTimeout(timer);
    }),
  );
}
