/**
 * The command is the server: `syncline-server` (the bin users run, here from
 * the source checkout, no build) runs the server in its own process. SIGKILL
 * of that pid leaves no server process behind and frees the port; SIGTERM
 * drains and exits 0.
 *
 * Mutation caught: the previous bin, which spawned `node --import tsx
 * src/cli.ts` as a child for the source checkout — the child survives the
 * SIGKILL as an orphan, holding the port (both assertions below fail).
 */
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/spawnServer.js';

const BIN = join(REPO_ROOT, 'server/bin/syncline-server.js');
const started: number[] = [];

afterEach(() => {
  // Whatever a failed run left: the pids we started and any process still naming our data dirs.
  for (const pid of started.splice(0)) for (const p of [pid, ...serverPids(String(pid))]) tryKill(p);
});

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Pids of processes whose command line mentions `needle` (from /proc, no shell). */
function serverPids(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').includes(needle)) out.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

async function startBin(dataDir: string) {
  const proc = spawn(process.execPath, [BIN, '--port', '0', '--data-dir', dataDir, '--log-level', 'info'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(proc.pid!);
  let out = '';
  const exited = new Promise<{ code: number | null; signal: string | null }>((res) =>
    proc.once('exit', (code, signal) => res({ code, signal })),
  );
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no listening line:\n${out}`)), 30_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /syncline-server listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    void exited.then(() => rej(new Error(`exited before listening:\n${out}`)));
  });
  return { proc, url, port: Number(new URL(url).port), exited, output: () => out };
}

const portFree = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });

describe('syncline-server is one process', () => {
  it('SIGKILL of the pid users see leaves no server process and frees the port', async () => {
    const dataDir = tempDir('syncline-cli-');
    const srv = await startBin(dataDir);
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
    expect(childrenOf(srv.proc.pid!)).toEqual([]);
    expect(serverPids(dataDir)).toEqual([srv.proc.pid]);

    srv.proc.kill('SIGKILL');
    expect(await srv.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await expect.poll(() => serverPids(dataDir), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => portFree(srv.port), { timeout: 10_000 }).toBe(true);
  });

  it('SIGTERM drains and exits 0', async () => {
    const dataDir = tempDir('syncline-cli-');
    const srv = await startBin(dataDir);
    srv.proc.kill('SIGTERM');
    expect(await srv.exited).toEqual({ code: 0, signal: null });
    expect(srv.output()).toMatch(/"signal":"SIGTERM".*"msg":"stopping"/);
    expect(serverPids(dataDir)).toEqual([]);
    expect(await portFree(srv.port)).toBe(true);
  });
});
