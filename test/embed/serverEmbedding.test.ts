/**
 * docs/embedding.md's server example, run as written: the `// server.ts
 * (embedding example)` block is cut out of the document, run with the
 * workspace's `@syncline/server` (source), and must serve the app's own
 * route, Syncline's HTTP routes, and a sync client (push, then pull).
 * Mutation caught: `createSynclineServer` ignoring `httpServer` (a server of
 * its own that never listens): the client cannot connect.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { PullReply, PushReply } from '@syncline/shared';
import { REPO_ROOT, tempDir } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';
import { waitFor } from '../helpers/wait.js';

function docExample(): string {
  const md = readFileSync(join(REPO_ROOT, 'docs/embedding.md'), 'utf8');
  const m = /```ts\n(\/\/ server\.ts \(embedding example\)\n[\s\S]*?)```/.exec(md);
  if (!m) throw new Error('docs/embedding.md: the `// server.ts (embedding example)` block is missing');
  return m[1]!;
}

let proc: ChildProcess | undefined;
let file: string | undefined;
afterEach(() => {
  proc?.kill('SIGKILL');
  if (file) rmSync(file, { force: true });
});

describe('docs/embedding.md server example', () => {
  it('serves the app, Syncline routes and sync clients on one HTTP server', async () => {
    // Inside the repo so `@syncline/server` and `express` resolve to the workspace's.
    file = join(REPO_ROOT, 'test/embed', `.docs-example-${process.pid}.ts`);
    writeFileSync(file, docExample());
    const cwd = tempDir('syncline-embed-doc-');
    let out = '';
    // tsx by path: the cwd (the example's data folder) is outside the repo.
    const tsx = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    proc = spawn(process.execPath, ['--conditions=@syncline/source', '--import', tsx, file], { cwd, env: { ...process.env, PORT: '0' } });
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => /listening on http:\/\/\S+/.test(out) || proc!.exitCode !== null, 30_000, 'the example to listen');
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    expect(url, out).toBeDefined();

    expect(await (await fetch(`${url}/hello`)).text()).toBe('my app');
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, 10_000, '/readyz 200');

    const maker = new ChangeMaker('doc-client');
    const c = await connectClient(url!, { clientId: 'doc-client' });
    try {
      const reply = await request<PushReply>(c, 'push', { changes: [maker.put('s1', 'a', { title: 'from the doc example' })] });
      expect(reply.results.map((r) => r.status)).toEqual(['ok']);
      const page = await request<PullReply>(c, 'pull', { space: 's1', cursor: null });
      expect(page.records.map((r) => r.state.fields.title?.v)).toEqual(['from the doc example']);
    } finally {
      c.close();
    }
  });
});
