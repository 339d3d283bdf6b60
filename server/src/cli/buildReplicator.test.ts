import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeHlc, type Change } from '@syncline/shared';
import { NodeSpecError } from '../storage/createNode.js';
import type { StorageNode } from '../storage/StorageNode.js';
import type { Replicator } from '../replication/Replicator.js';
import { buildNodes, buildReplicator } from './buildReplicator.js';
import { parseCli } from './parseCli.js';

const put = (n: number): Change => ({
  kind: 'put',
  opId: `c1:${n}`,
  space: 's',
  table: 't',
  id: `r${n}`,
  hlc: encodeHlc({ ms: Date.now(), counter: n, node: 'c1' }),
  fields: { v: n },
});

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function start(ack: string, nodes: string[]): Promise<{ rep: Replicator; nodes: StorageNode[]; warnings: string[] }> {
  const warnings: string[] = [];
  const cfg = parseCli(['--ack', ack, '--nodes', nodes.join(',')], {});
  const built = await buildNodes(cfg, (m) => warnings.push(m));
  const rep = buildReplicator(cfg, built);
  cleanup.push(async () => {
    await rep.close();
    for (const n of built) await n.close();
  });
  await rep.ready();
  return { rep, nodes: built, warnings };
}

describe('buildNodes with a node that cannot be opened', () => {
  it('starts with the node down, serves semi-sync, and opens and repairs the node once it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-build-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    // A plain file where node 2's folder should be: opening it fails (ENOTDIR), even as root.
    writeFileSync(join(dir, 'blocked'), 'not a folder');
    const { rep, warnings } = await start('semi-sync', [`sqlite:${dir}/a.db`, `sqlite:${dir}/blocked/b.db`, `sqlite:${dir}/c.db`]);
    expect(warnings.join('\n')).toMatch(/n2 could not be opened/);
    expect(rep.health().map((h) => h.state)).toEqual(['up', 'down', 'up']);
    expect(rep.canAck('semi-sync')).toBe(true);
    expect(rep.canAck('sync')).toBe(false);
    const [res] = await rep.write([put(1)]);
    expect(res).toMatchObject({ status: 'ok', replicated: false });

    rmSync(join(dir, 'blocked'));
    await rep.healthCheck(); // opens n2 (stale) and repairs it
    await rep.repair();
    expect(rep.health().map((h) => h.state)).toEqual(['up', 'up', 'up']);
    const digests = Object.values(await rep.digests());
    expect(digests).toHaveLength(3);
    expect(new Set(digests).size).toBe(1);
    expect(rep.canAck('sync')).toBe(true);
  });

  it('starts not ready when the mode cannot be served, e.g. sync with a node down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-build-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'blocked'), 'x');
    const { rep } = await start('sync', [`sqlite:${dir}/a.db`, `sqlite:${dir}/blocked/b.db`]);
    expect(rep.canAck('sync')).toBe(false);
    const [res] = await rep.write([put(1)]);
    expect(res).toMatchObject({ status: 'rejected', error: { code: 'NOT_ENOUGH_REPLICAS' } });
  });

  it('still refuses a malformed node list', async () => {
    await expect(buildNodes({ nodes: ['mysql://x/y'] }, () => {})).rejects.toBeInstanceOf(NodeSpecError);
    await expect(buildNodes({ nodes: ['sqlite:a.db#x', 'sqlite:b.db#x'] }, () => {})).rejects.toBeInstanceOf(NodeSpecError);
  });
});
