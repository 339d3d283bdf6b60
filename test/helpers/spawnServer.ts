/**
 * Starts a real `syncline-server` child process (TypeScript source via tsx)
 * on port 0 and waits for its "listening on" line.
 *
 * ```ts
 * const srv = await spawnServer({ args: ['--ack', 'sync'], dataDir });
 * const res = await fetch(`${srv.url}/readyz`);
 * await srv.stop();             // SIGTERM (drain), waits for exit
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CLI = join(REPO_ROOT, 'server/src/cli.ts');
const LISTENING = /syncline-server listening on (http:\/\/\S+)/;

export interface SpawnOptions {
  /** Extra CLI flags. `--port 0` and `--data-dir` are added unless given. */
  args?: string[];
  /** Data folder of the default SQLite nodes; a fresh temp dir when absent. */
  dataDir?: string;
  /** Fixed port (e.g. to restart on the same address); default 0. */
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the listening line (default 20 s). */
  startTimeoutMs?: number;
  /** Echo the child's output (debugging). */
  echo?: boolean;
  /** Flags for node itself, before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

export interface SpawnedServer {
  url: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  /** Everything the child wrote so far (stdout + stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Graceful stop (SIGTERM); SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export function tempDir(prefix = 'syncline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function spawnServer(opts: SpawnOptions = {}): Promise<SpawnedServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const args = [...(opts.args ?? [])];
  if (!args.includes('--port')) args.push('--port', String(opts.port ?? 0));
  if (!args.includes('--data-dir')) args.push('--data-dir', dataDir);
  if (!args.includes('--log-level')) args.push('--log-level', 'warn');
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--conditions=@syncline/source', '--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in time:\n${out}`)), opts.startTimeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (opts.echo) process.stderr.write(chunk);
      const m = LISTENING.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  const kill = (signal: NodeJS.Signals = 'SIGKILL') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    return exited;
  };
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    proc,
    output: () => out,
    kill,
    exited,
    async stop(timeoutMs = 15_000) {
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      try {
        return await kill('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
