/**
 * `--extension`: parsing (flag, env, comma list) and loading (an object, an
 * array, a factory; a module that fails to load or exports nothing useful
 * is an ExtensionLoadError, which the CLI turns into exit code 2).
 * Mutation checked: dropping the object check in loadExtensions (a module
 * exporting a number loaded as an "extension" and the last case failed).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from './parseCli.js';
import { ExtensionLoadError, loadExtensions } from './loadExtensions.js';

describe('--extension', () => {
  it('is a comma list from the flag or SYNCLINE_EXTENSION', () => {
    expect(parseCli([], {}).extensions).toEqual([]);
    expect(parseCli(['--extension', 'a.mjs, b.mjs'], {}).extensions).toEqual(['a.mjs', 'b.mjs']);
    expect(parseCli([], { SYNCLINE_EXTENSION: 'c.mjs' }).extensions).toEqual(['c.mjs']);
  });

  it('loads objects, arrays and factories; refuses what is not an extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-ext-'));
    writeFileSync(join(dir, 'one.mjs'), "export default { name: 'one', validateChange() {} };");
    writeFileSync(join(dir, 'many.mjs'), "export default [{ name: 'a' }, { name: 'b' }];");
    writeFileSync(join(dir, 'factory.mjs'), "export default async () => ({ name: 'made' });");
    writeFileSync(join(dir, 'number.mjs'), 'export default 42;');
    writeFileSync(join(dir, 'broken.mjs'), 'export default {');
    const loaded = await loadExtensions(['one.mjs', 'many.mjs', 'factory.mjs'], dir);
    expect(loaded.map((e) => e.name)).toEqual(['one', 'a', 'b', 'made']);
    expect(typeof loaded[0]!.validateChange).toBe('function');
    await expect(loadExtensions(['missing.mjs'], dir)).rejects.toBeInstanceOf(ExtensionLoadError);
    await expect(loadExtensions(['broken.mjs'], dir)).rejects.toBeInstanceOf(ExtensionLoadError);
    await expect(loadExtensions(['number.mjs'], dir)).rejects.toThrow(/default export must be an Extension/);
  });
});
