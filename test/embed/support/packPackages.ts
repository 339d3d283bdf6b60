/**
 * Builds (when a package's dist is older than its sources) and `npm pack`s
 * @syncline/shared, /client and /server into `dest`: the tarballs a user
 * would download from the registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../helpers/spawnServer.js';

const run = promisify(execFile);
export const PACKAGES = ['shared', 'client', 'server'] as const;
export type PackageDir = (typeof PACKAGES)[number];

function newestSource(dir: string): number {
  let newest = statSync(join(dir, 'package.json')).mtimeMs;
  for (const f of readdirSync(join(dir, 'src'), { recursive: true, withFileTypes: true })) {
    if (f.isFile() && !f.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(join(f.parentPath, f.name)).mtimeMs);
  }
  return newest;
}

function isBuilt(pkg: PackageDir): boolean {
  const dir = join(REPO_ROOT, pkg);
  const marker = join(dir, 'dist', 'index.js');
  return existsSync(marker) && statSync(marker).mtimeMs > newestSource(dir);
}

/** Returns the tarball path of each package. Builds stale packages in parallel (each tsc reads the others' sources). */
export async function packPackages(dest: string): Promise<Record<PackageDir, string>> {
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  await Promise.all(
    PACKAGES.filter((p) => !isBuilt(p)).map((p) =>
      run(process.execPath, [tsc, '-p', join(REPO_ROOT, p, 'tsconfig.build.json')], { cwd: REPO_ROOT }),
    ),
  );
  const args = ['pack', '--json', '--pack-destination', dest, ...PACKAGES.flatMap((p) => ['-w', `@syncline/${p}`])];
  const { stdout } = await run('npm', args, { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  const byName = new Map(packed.map((p) => [p.name, join(dest, p.filename)]));
  return Object.fromEntries(PACKAGES.map((p) => [p, byName.get(`@syncline/${p}`)!])) as Record<PackageDir, string>;
}
