/**
 * A second process for the multi-process SQLite test: opens the node file
 * given on the command line, prints `ready`, waits for `go` on stdin, writes
 * batches (each a new record and a doc update, op ids `<prefix>:<n>`) for
 * MS milliseconds, prints `done <batches written>` and exits. A time window
 * rather than a count, so the writers overlap however fast commits are.
 *
 *   node --conditions=@syncline/source --import tsx server/src/storage/testing/concurrentWriter.ts FILE PREFIX MS
 */
import { SqliteNode } from '../SqliteNode.js';
import { writeBatch } from './writeBatch.js';

const [path, prefix, ms] = process.argv.slice(2);
if (!path || !prefix || !ms) {
  process.stderr.write('usage: concurrentWriter.ts FILE PREFIX MS\n');
  process.exit(2);
}
const node = await SqliteNode.open({ id: 'n1', path, busyTimeoutMs: 10_000 });
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  const until = Date.now() + Number(ms);
  let batches = 0;
  while (Date.now() < until) {
    await writeBatch(node, prefix, batches);
    batches += 1;
    await new Promise((r) => setTimeout(r, 1));
  }
  process.stdout.write(`done ${batches}\n`);
  await node.close();
  process.exit(0);
});
