// Builds the three Syncline packages in the monorepo and packs them into
// vendor/, which package.json installs from: this example uses the tarballs
// users would get from the registry, never workspace links.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const vendor = fileURLToPath(new URL('../vendor', import.meta.url));
const workspaces = ['@syncline/shared', '@syncline/client', '@syncline/server'].flatMap((w) => ['-w', w]);
mkdirSync(vendor, { recursive: true });
execFileSync('npm', ['run', 'build', ...workspaces], { cwd: repo, stdio: 'inherit' });
execFileSync('npm', ['pack', '--pack-destination', vendor, ...workspaces], { cwd: repo, stdio: 'inherit' });
