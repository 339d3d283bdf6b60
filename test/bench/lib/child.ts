/**
 * Runs a TypeScript script of this package as a child process (tsx), waits
 * for its `READY <json>` line, and reads its resident memory from /proc so
 * servers are measured apart from the load generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_ROOT = resolve(BENCH_DIR, '../..');

export interface Child<T> {
  proc: ChildProcess;
  info: T;
  rss(): number;
  stop(): Promise<void>;
}

/** Resident set size of a process in bytes (Linux). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** CPU time (user + system, every thread) a process has used so far, in ms (Linux `/proc/PID/stat`, 100 ticks/s). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime, stime (fields 14, 15)
}

export async function startChild<T>(
  script: string,
  args: string[] = [],
  opts: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Child<T>> {
  const proc = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), '--conditions=@syncline/source', '--import', 'tsx', join(BENCH_DIR, script), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const info = await new Promise<T>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${script} did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^READY (.*)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        res(JSON.parse(m[1]!) as T);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then(() => rej(new Error(`${script} exited early:\n${out}`)));
  });
  return {
    proc,
    info,
    rss: () => rssOf(proc.pid!),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Children print this line once listening; the parent reads the JSON after it. */
export function ready(info: unknown): void {
  process.stdout.write(`READY ${JSON.stringify(info)}\n`);
}
