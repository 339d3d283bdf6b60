/**
 * `syncline-server` starts when a well-formed node cannot be opened yet: the
 * node counts as down, /readyz says whether the mode can be served, and the
 * health rounds open and repair the node once it becomes available.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { spawnServer, tempDir, REPO_ROOT, type SpawnedServer } from '../helpers/spawnServer.js';
import { getJson } from '../helpers/http.js';

let servers: SpawnedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
  servers = [];
});

interface Status {
  ready: boolean;
  nodes: { id: string; state: string }[];
}

describe('server start-up with a storage node unavailable', () => {
  it('serves semi-sync with the node down, then opens it; sync starts not ready', async () => {
    const dir = tempDir('syncline-nodedown-');
    writeFileSync(join(dir, 'blocked'), 'a file where a folder should be');
    const nodes = [`sqlite:${dir}/a.db`, `sqlite:${dir}/blocked/b.db`, `sqlite:${dir}/c.db`].join(',');
    const semi = await spawnServer({ args: ['--ack', 'semi-sync', '--nodes', nodes] });
    servers.push(semi);
    expect((await getJson(`${semi.url}/readyz`)).status).toBe(200);
    const sync = await spawnServer({ args: ['--ack', 'sync', '--nodes', nodes] });
    servers.push(sync);
    const notReady = await getJson<Status>(`${sync.url}/readyz`);
    expect(notReady.status).toBe(503);

    rmSync(join(dir, 'blocked'));
    const deadline = Date.now() + 10_000;
    let status: Status | undefined;
    while (Date.now() < deadline) {
      status = (await getJson<Status>(`${sync.url}/status`)).body;
      if (status.ready) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status?.nodes.map((n) => n.state)).toEqual(['up', 'up', 'up']);
    expect((await getJson(`${sync.url}/readyz`)).status).toBe(200);
  });

  it('still exits 2 on a malformed --nodes list', async () => {
    const proc = spawn(
      process.execPath,
      ['--conditions=@syncline/source', '--import', 'tsx', 'server/src/cli.ts', '--port', '0', '--nodes', 'mysql://x/y'],
      {
        cwd: REPO_ROOT,
        stdio: 'ignore',
      },
    );
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code).toBe(2);
  });
});
