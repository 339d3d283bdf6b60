/**
 * Acceptance (issue 15, packages): from sources with no `dist/` (a fresh
 * clone), `npm pack` of each package builds it (`prepack`), the tarballs
 * install in an empty folder, and `import('@syncline/client')` and
 * `import('@syncline/server')` work. The install has neither `pg` nor
 * `ioredis` nor the Redis adapter (optional peer dependencies), and a
 * SQLite-only server from it starts, answers /readyz and drains; a
 * PostgreSQL node in that install fails with MissingDependencyError naming `pg`.
 * Mutation caught: removing `prepack` from a package.json (its tarball has no
 * dist/ and the import fails); making `pg` a static import again (the server
 * import fails without it).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/spawnServer.js';

const run = promisify(execFile);
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const PACKAGES = ['shared', 'client', 'server'] as const;

let work: string;
let consumer: string;
const tarballs: Record<string, string> = {};

/** A copy of the three packages as a clone has them: sources, no dist/. node_modules is the repo's (tools only). */
function freshCheckout(dir: string): void {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'syncline-fresh', private: true, workspaces: [...PACKAGES] }));
  cpSync(join(REPO_ROOT, 'tsconfig.base.json'), join(dir, 'tsconfig.base.json'));
  for (const p of PACKAGES) {
    for (const f of ['package.json', 'tsconfig.build.json', 'src', 'bin', 'README.md']) {
      const from = join(REPO_ROOT, p, f);
      if (existsSync(from)) cpSync(from, join(dir, p, f), { recursive: true });
    }
    expect(existsSync(join(dir, p, 'dist'))).toBe(false);
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
}

beforeAll(async () => {
  work = tempDir('syncline-freshpack-');
  const checkout = join(work, 'checkout');
  freshCheckout(checkout);
  mkdirSync(join(work, 'tarballs'));
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--pack-destination', join(work, 'tarballs'), ...PACKAGES.flatMap((p) => ['-w', `@syncline/${p}`])],
    {
      cwd: checkout,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // npm prints the prepack scripts' output before the JSON.
  const packed = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as { name: string; filename: string; files: { path: string }[] }[];
  for (const p of packed) tarballs[p.name] = join(work, 'tarballs', p.filename);
  for (const p of packed)
    expect(
      p.files.map((f) => f.path),
      p.name,
    ).toContain('dist/index.js');

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // --ignore-scripts: better-sqlite3 would compile from source here (minutes); its binary is copied from the repo below.
  await run('npm', ['install', ...PACKAGES.map((p) => tarballs[`@syncline/${p}`]!), 'dexie@4', '--ignore-scripts', ...NPM_FLAGS], {
    cwd: consumer,
  });
  const want = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  const got = JSON.parse(readFileSync(join(consumer, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  expect(got, 'the consumer got the better-sqlite3 version the repo built').toBe(want);
  cpSync(join(REPO_ROOT, 'node_modules/better-sqlite3/build'), join(consumer, 'node_modules/better-sqlite3/build'), { recursive: true });
}, 300_000);

async function node(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
  return stdout.trim();
}

describe('packages packed from a fresh checkout', () => {
  it('import in an empty folder without a build step of ours', async () => {
    const out = await node(`
      const client = await import('@syncline/client');
      const server = await import('@syncline/server');
      console.log(typeof client.createSyncline, typeof server.createSynclineServer, typeof server.Replicator);
    `);
    expect(out).toBe('function function function');
  });

  it('install without pg, ioredis or the Redis adapter, and a SQLite-only server runs', async () => {
    for (const pkg of ['pg', 'ioredis', '@socket.io/redis-adapter'])
      expect(existsSync(join(consumer, 'node_modules', pkg)), pkg).toBe(false);
    const out = await node(`
      import { createSynclineServer } from '@syncline/server';
      const server = createSynclineServer({ nodes: 'sqlite:data/n1.db,sqlite:data/n2.db,sqlite:data/n3.db', ack: 'sync', port: 0 });
      const { url } = await server.listen();
      const res = await fetch(url + '/readyz');
      await server.drain();
      console.log(res.status);
    `);
    expect(out).toBe('200');
  });

  it('a PostgreSQL node without pg installed: MissingDependencyError naming the package', async () => {
    const out = await node(`
      import { PostgresNode } from '@syncline/server';
      try {
        await PostgresNode.open({ id: 'pg', connectionString: 'postgres://127.0.0.1:1/x' });
        console.log('opened?');
      } catch (err) {
        console.log(err.name, err.packageName);
      }
    `);
    expect(out).toBe('MissingDependencyError pg');
  });
});
