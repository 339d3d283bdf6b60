/**
 * docs/deployment.md lists every flag and env variable of syncline-server:
 * this fails when a flag is added to the CLI's table and not to the doc.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLAGS } from '../../server/src/cli/parseCli.js';
import { REPO_ROOT } from '../helpers/spawnServer.js';

describe('docs/deployment.md', () => {
  const doc = readFileSync(`${REPO_ROOT}/docs/deployment.md`, 'utf8');

  it('documents every flag and env variable of syncline-server', () => {
    const missing = FLAGS.flatMap((f) => [`\`--${f.name}`, ...(f.env ? [`\`${f.env}\``] : [])]).filter((s) => !doc.includes(s));
    expect(missing).toEqual([]);
  });

  it('documents no flag the CLI does not have', () => {
    const known = new Set(FLAGS.map((f) => f.name));
    const table = doc.split('\n').filter((l) => l.startsWith('| `--'));
    const documented = table.map((l) => /^\| `--([a-z0-9-]+)/.exec(l)![1]!);
    expect(documented.filter((n) => !known.has(n))).toEqual([]);
  });
});
