/** Where the board's sources and build live, and what a build depends on. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BOARD_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const REPO_ROOT = resolve(BOARD_DIR, '../..');
export const DIST_DIR = resolve(BOARD_DIR, 'dist');
/** Written last by a build: its mtime is the build's time. */
export const BUILD_STAMP = resolve(DIST_DIR, '.built');

/** Everything that ends up in the bundle: the app and the library sources it bundles. */
export const BUILD_INPUTS = [
  resolve(BOARD_DIR, 'index.html'),
  resolve(BOARD_DIR, 'vite.config.ts'),
  resolve(BOARD_DIR, 'package.json'),
  resolve(BOARD_DIR, 'src'),
  resolve(BOARD_DIR, 'public'),
  resolve(REPO_ROOT, 'client/src'),
  resolve(REPO_ROOT, 'shared/src'),
];
