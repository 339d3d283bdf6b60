/** Page: PouchDB (idb adapter) replicating the server's database into IndexedDB. */
import PouchDB from 'pouchdb-browser';

async function runPouch(remoteUrl: string, n: number, batchSize: number): Promise<number> {
  const local = new PouchDB(`pouch-bench-${Date.now()}`);
  const t0 = performance.now();
  await PouchDB.replicate(remoteUrl, local, { batch_size: batchSize, batches_limit: 5 });
  const ms = performance.now() - t0;
  const info = await local.info();
  if (info.doc_count !== n) throw new Error(`pouch replicated ${info.doc_count} of ${n}`);
  return ms;
}

(globalThis as unknown as { runPouch: typeof runPouch }).runPouch = runPouch;
document.title = 'ready';
