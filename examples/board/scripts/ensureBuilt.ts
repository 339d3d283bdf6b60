/**
 * Builds the board (Vite, in a child process) when `dist` is missing or
 * older than any source it bundles. Safe to call from several processes at
 * once (parallel test files, `npm start` while tests run): one builds under
 * a lock, the others wait and reuse its result. A build goes to a temporary
 * folder and is swapped in whole, so nobody serves a half-written dist.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BOARD_DIR, BUILD_INPUTS, BUILD_STAMP, DIST_DIR, REPO_ROOT } from './paths.js';

const LOCK = join(tmpdir(), `syncline-board-build-${Buffer.from(BOARD_DIR).toString('base64url').slice(-24)}.lock`);
const STALE_LOCK_MS = 180_000;

export interface EnsureBuiltResult {
  dist: string;
  /** Whether this call ran a build. */
  built: boolean;
  ms: number;
}

export async function ensureBuilt(opts: { log?: (line: string) => void } = {}): Promise<EnsureBuiltResult> {
  const started = Date.now();
  if (isFresh()) return { dist: DIST_DIR, built: false, ms: 0 };
  await acquireLock();
  try {
    if (isFresh()) return { dist: DIST_DIR, built: false, ms: Date.now() - started };
    opts.log?.('building the board app (vite build)…');
    await viteBuild(opts.log);
    return { dist: DIST_DIR, built: true, ms: Date.now() - started };
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export function isFresh(): boolean {
  if (!existsSync(BUILD_STAMP)) return false;
  const builtAt = statSync(BUILD_STAMP).mtimeMs;
  return BUILD_INPUTS.every((p) => newestMtime(p) <= builtAt);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      // A builder that died leaves its lock behind; a build never takes this long.
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function viteBuild(log?: (line: string) => void): Promise<void> {
  const out = resolve(BOARD_DIR, `.dist-${process.pid}-${Date.now()}`);
  const vite = resolve(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  let output = '';
  const code = await new Promise<number | null>((res, rej) => {
    const child = spawn(process.execPath, [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: BOARD_DIR,
      // Under vitest NODE_ENV is "test"; the bundle must be a production build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.once('error', rej);
    child.once('exit', res);
  });
  if (code !== 0) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`vite build of the board failed (exit ${code}):\n${output}`);
  }
  writeFileSync(join(out, '.built'), new Date().toISOString());
  const old = `${DIST_DIR}.old-${process.pid}`;
  if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
  renameSync(out, DIST_DIR);
  rmSync(old, { recursive: true, force: true });
  log?.('board app built');
}
