import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { pullAll } from './conformance/fixtures.js';
import { SqliteNode } from './SqliteNode.js';
import { writeBatch } from './testing/writeBatch.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const WINDOW_MS = 700;

function waitForLine(child: ReturnType<typeof spawn>, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      const line = buf.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) {
        child.stdout!.off('data', onData);
        resolve(line);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`writer exited with ${code} before "${prefix}"`)));
  });
}

it('two processes writing to one SQLite file get unique, gap-free seqs and lose no op', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-mp-'));
  const path = join(dir, 'shared.db');
  const node = await SqliteNode.open({ id: 'n1', path, busyTimeoutMs: 10_000 });
  const child = spawn(
    process.execPath,
    [
      '--conditions=@syncline/source',
      '--import',
      'tsx',
      'server/src/storage/testing/concurrentWriter.ts',
      path,
      'child',
      String(WINDOW_MS),
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    await waitForLine(child, 'ready');
    const done = waitForLine(child, 'done');
    child.stdin!.write('go\n');
    // Start once the child is writing, so both write at the same time.
    while ((await node.opCount()) === 0) await new Promise((r) => setTimeout(r, 1));
    const until = Date.now() + WINDOW_MS;
    let mine = 0;
    while (Date.now() < until) {
      await writeBatch(node, 'parent', mine);
      mine += 1;
      await new Promise((r) => setTimeout(r, 1));
    }
    const theirs = Number((await done).split(' ')[1]);
    expect(theirs).toBeGreaterThan(0);

    const batches = { parent: mine, child: theirs };
    const total = 2 * (mine + theirs);
    const all = await pullAll(node, 's', 97);
    const seqs = [...all.records, ...all.docs].map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await node.opCount()).toBe(total);
    const log = (await node.readOpLog(0, 10_000)).ops;
    expect(log.map((o) => o.logSeq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const ids = new Set(log.map((o) => o.op.opId));
    for (const who of ['parent', 'child'] as const)
      for (let n = 0; n < 2 * batches[who]; n++) expect(ids.has(`${who}:${n}`), `${who}:${n}`).toBe(true);
    // Seqs follow commit order: records appear in the log and in seq order alike.
    const seqOf = new Map(all.records.map((r) => [r.id, r.seq]));
    const putSeqs = log.flatMap((o) => (o.op.kind === 'put' ? [seqOf.get(o.op.id)!] : []));
    expect(putSeqs).toEqual([...putSeqs].sort((a, b) => a - b));
    // The writers overlapped: the child wrote first, the parent's ops come
    // before the child's last one. (SQLite's busy handler is not fair, so
    // the interleaving can be coarse.)
    const owners = log.map((o) => o.op.opId.split(':')[0]);
    const switches = owners.filter((o, i) => i > 0 && o !== owners[i - 1]).length;
    expect(switches).toBeGreaterThanOrEqual(2);
  } finally {
    child.kill();
    await node.close();
    await rm(dir, { recursive: true, force: true });
  }
});
