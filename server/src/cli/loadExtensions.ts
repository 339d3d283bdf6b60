/**
 * `--extension PATH[,PATH…]`: ES modules whose default export is an
 * `Extension`, an array of them, or a (possibly async) function returning
 * either — e.g. a validation hook (docs/backend.md). Paths are relative to
 * the working directory. A module that does not load stops the server at
 * start rather than running without its rules.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Extension } from '../Extension.js';

export class ExtensionLoadError extends Error {}

export async function loadExtensions(paths: readonly string[], cwd = process.cwd()): Promise<Extension[]> {
  const out: Extension[] = [];
  for (const path of paths) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(resolve(cwd, path)).href)) as { default?: unknown };
    } catch (err) {
      throw new ExtensionLoadError(`${path}: ${(err as Error).message}`);
    }
    let value = mod.default;
    if (typeof value === 'function') value = await (value as () => unknown)();
    const list = Array.isArray(value) ? value : [value];
    for (const ext of list) {
      if (ext === null || typeof ext !== 'object')
        throw new ExtensionLoadError(
          `${path}: the default export must be an Extension object, an array of them, or a function returning one`,
        );
      out.push({ name: path, ...(ext as Extension) });
    }
  }
  return out;
}
