/**
 * Acceptance (issue 8): the three packages packed as tarballs; a throwaway
 * Vite app (a copy of examples/minimal) outside the monorepo installs them
 * from the tarballs (dependencies from the npm registry/cache), is built with
 * Vite and served; in headless Chromium a note written in the page reaches a
 * real syncline-server and a second client (Node, over fake-indexeddb), and
 * the second client's note reaches the page. The page syncs from a Worker.
 * The server tarball installs and its `syncline-server` bin runs.
 */
import 'fake-indexeddb/auto';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { createSyncline } from '@syncline/client';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { REPO_ROOT, spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { packPackages, type PackageDir } from './support/packPackages.js';
import { serveStatic } from './support/staticServer.js';
import { startViteDev } from './support/viteDevServer.js';
import { webpackBuild } from './support/webpackBuild.js';
import { waitFor } from './support/waitFor.js';

const run = promisify(execFile);
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const timings: Record<string, number> = {};
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings[label] = Date.now() - t0;
  }
}

let work: string;
let tarballs: Record<PackageDir, string>;
let appDir: string;
let serverDir: string;

/** The example's package.json, pointed at this run's tarballs. */
function appPackageJson(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/minimal/package.json'), 'utf8'));
  pkg.dependencies['@syncline/client'] = `file:${tarballs.client}`;
  pkg.dependencies['@syncline/shared'] = `file:${tarballs.shared}`;
  return JSON.stringify(pkg, null, 2);
}

beforeAll(async () => {
  work = tempDir('syncline-embed-');
  mkdirSync(join(work, 'tarballs'));
  tarballs = await timed('build+pack', () => packPackages(join(work, 'tarballs')));

  appDir = join(work, 'app');
  for (const f of ['index.html', 'src', 'tsconfig.json', 'vite.config.ts'])
    cpSync(join(REPO_ROOT, 'examples/minimal', f), join(appDir, f), { recursive: true });
  writeFileSync(join(appDir, 'package.json'), appPackageJson());
  serverDir = join(work, 'server-consumer');
  mkdirSync(serverDir);
  writeFileSync(join(serverDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await timed('npm install (app, server)', () =>
    Promise.all([
      run('npm', ['install', ...NPM_FLAGS], { cwd: appDir }),
      // --ignore-scripts: better-sqlite3 would compile from source here (minutes); `--help` never opens a database.
      run('npm', ['install', tarballs.shared, tarballs.server, '--ignore-scripts', ...NPM_FLAGS], { cwd: serverDir }),
    ]),
  );
  await Promise.all([
    timed('vite build', () =>
      run(process.execPath, [join(appDir, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: appDir }),
    ),
    timed('webpack build', () => webpackBuild(appDir)),
  ]);
}, 300_000);

afterAll(() => {
  console.log(`[embed] timings ms: ${JSON.stringify(timings)}`);
  // The throwaway app with its node_modules (~100 MB).
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

async function roundTrip(
  bundler: string,
  site: { url: string; close(): Promise<void> },
  workerPattern: (site: string) => RegExp,
): Promise<void> {
  let srv: SpawnedServer | null = null;
  let browser: Browser | null = null;
  const space = `embed-${Date.now()}`;
  const other = new Dexie(`embed-other-${process.pid}-${Date.now()}`);
  try {
    srv = await spawnServer({ args: ['--ack', 'sync'] });
    browser = await launchBrowser();
    const page = await (await browser.newContext()).newPage();
    const workers: string[] = [];
    const errors: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await timed(`browser (${bundler})`, async () => {
      await page.goto(`${site.url}/?server=${encodeURIComponent(srv!.url)}&space=${space}`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('online'), null, { timeout: 20_000 });
      await page.fill('#text', 'hello from the browser');
      await page.click('button');
      await page.waitForFunction(() => document.getElementById('notes')?.textContent === 'hello from the browser', null, {
        timeout: 10_000,
      });
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'online · 0 pending', null, { timeout: 20_000 });
    });

    other.version(1).stores({ notes: 'id, at' });
    const sync = createSyncline(other, {
      tables: ['notes'],
      servers: [srv.url],
      defaultSpace: space,
      leaderElection: false,
      engine: { pollIntervalMs: 100 },
    });
    await waitFor(async () => (await other.table('notes').count()) === 1, 20_000, 'second client got the note');
    expect((await other.table('notes').toArray())[0]).toMatchObject({ text: 'hello from the browser' });
    await other.table('notes').put({ id: 'from-node', text: 'hello from node', at: Date.now() + 1 });
    await sync.flush({ timeoutMs: 15_000 });
    await page.waitForFunction(() => document.getElementById('notes')?.textContent?.includes('hello from node'), null, { timeout: 20_000 });
    await sync.close();

    // The engine ran in the bundled Worker, not on the page's thread.
    expect(workers.length).toBe(1);
    expect(workers[0]).toMatch(workerPattern(site.url));
    expect(errors).toEqual([]);
  } finally {
    other.close();
    await browser?.close();
    await srv?.stop();
    await site.close();
  }
}

describe('embedding from packed tarballs', () => {
  it('the app installed the tarballs, not links into the monorepo', () => {
    const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/@syncline/client'].resolved).toMatch(/^file:.*syncline-client-0\.1\.0\.tgz$/);
    expect(lock.packages['node_modules/@syncline/shared'].resolved).toMatch(/^file:.*syncline-shared-0\.1\.0\.tgz$/);
    expect(lock.packages['node_modules/@syncline/client'].link).toBeUndefined();
    for (const d of ['dist/index.d.ts', 'dist/worker/worker.js', 'dist/react/index.d.ts'])
      expect(existsSync(join(appDir, 'node_modules/@syncline/client', d))).toBe(true);
    // Peers come from the app, never a second Dexie inside the library.
    expect(existsSync(join(appDir, 'node_modules/@syncline/client/node_modules/dexie'))).toBe(false);
  });

  it('vite: a note written in the built page reaches a real server and a second client, and back', async () => {
    await roundTrip('vite', await serveStatic(join(appDir, 'dist')), (site) => new RegExp(`^${site}/assets/worker-[\\w-]+\\.js$`));
  }, 120_000);

  it('webpack 5: the same page bundled by webpack syncs from its Worker too', async () => {
    await roundTrip('webpack', await serveStatic(join(appDir, 'wp-dist')), (site) => new RegExp(`^${site}/syncline\\.js$`));
  }, 120_000);

  it('vite dev server (with the documented optimizeDeps lines): the page syncs from its Worker', async () => {
    const dev = await timed('vite dev start', () => startViteDev(appDir));
    await roundTrip(
      'vite dev',
      dev,
      (site) => new RegExp(`^${site}/node_modules/@syncline/client/dist/worker/worker\\.js\\?worker_file&type=module$`),
    );
  }, 120_000);

  it('the server tarball installs and its syncline-server bin runs', async () => {
    const { stdout } = await run('npx', ['--no-install', 'syncline-server', '--help'], { cwd: serverDir });
    expect(stdout).toMatch(/--port/);
    expect(stdout).toMatch(/--nodes/);
    expect(stdout).toMatch(/--ack/);
    const probe = "import('@syncline/server').then((m) => console.log(typeof m.createSynclineServer))";
    const { stdout: kind } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: serverDir });
    expect(kind.trim()).toBe('function');
    // The bin ran the built CLI from the tarball, not TypeScript through tsx.
    expect(existsSync(join(serverDir, 'node_modules/@syncline/server/dist/cli.js'))).toBe(true);
  });
});
