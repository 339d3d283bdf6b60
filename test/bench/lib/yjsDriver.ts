/**
 * The Yjs collaboration workload, provider-agnostic: N clients each make M
 * edits on one document (a text insert plus a stamped log entry in one
 * transaction), paced `everyMs` apart. Measures time from the first edit until
 * every replica holds all N×M edits with identical text, and per edit the
 * latency until each other client sees it (all clients live in this process,
 * so one clock serves).
 */
import * as Y from 'yjs';
import { percentile, sleep, waitFor } from './stats.js';

export interface YjsPeer {
  doc: Y.Doc;
  /** Resolves once the provider finished its initial sync. */
  synced: Promise<void>;
  destroy(): void | Promise<void>;
}

export interface YjsShape {
  clients: number;
  edits: number;
  everyMs: number;
  /** Documents the clients are spread over (client i edits document i % docs); default 1. */
  docs?: number;
}

export interface YjsResult {
  converge: number;
  p50: number;
  p99: number;
  /** Server CPU (ms) from the first edit until convergence ÷ edits made, when `serverCpuMs` is given. */
  cpuPerEditMs?: number;
}

export async function runYjs(
  shape: YjsShape,
  connect: (i: number, doc: string) => YjsPeer | Promise<YjsPeer>,
  /** Reads the server's CPU time so far (ms): sampled at the first edit and at convergence. */
  serverCpuMs?: () => number,
): Promise<YjsResult> {
  const nDocs = shape.docs ?? 1;
  const docOf = (i: number) => (nDocs === 1 ? 'bench-doc' : `bench-doc-${i % nDocs}`);
  const peers = await Promise.all(Array.from({ length: shape.clients }, (_, i) => connect(i, docOf(i))));
  const docs = peers.map((p) => p.doc);
  const latencies: number[] = [];
  const seen = docs.map(() => 0);
  docs.forEach((doc, i) => {
    doc.getArray<[number, number]>('log').observe((ev) => {
      const now = performance.now();
      for (const item of ev.changes.added) {
        for (const entry of item.content.getContent() as [number, number][]) {
          seen[i]!++;
          if (entry[0] !== i) latencies.push(now - entry[1]);
        }
      }
    });
  });
  await Promise.all(peers.map((p) => p.synced));
  // Every replica receives the edits of the clients on its document.
  const perDoc = (i: number) => Array.from({ length: shape.clients }, (_, j) => j).filter((j) => docOf(j) === docOf(i)).length;
  const totals = docs.map((_, i) => perDoc(i) * shape.edits);
  const cpu0 = serverCpuMs?.();
  const t0 = performance.now();
  await Promise.all(
    docs.map(async (doc, i) => {
      for (let k = 0; k < shape.edits; k++) {
        doc.transact(() => {
          const text = doc.getText('body');
          text.insert((k * 7 + i) % (text.length + 1), `${i}.${k} `);
          doc.getArray<[number, number]>('log').push([[i, performance.now()]]);
        });
        await sleep(shape.everyMs);
      }
    }),
  );
  await waitFor(() => seen.every((n, i) => n === totals[i]), 180_000, 'all Yjs replicas to receive every edit', 1);
  const texts = new Set(docs.map((d, i) => `${docOf(i)}\u0000${d.getText('body').toString()}`));
  const converge = performance.now() - t0;
  const cpu = cpu0 === undefined ? undefined : serverCpuMs!() - cpu0;
  await Promise.all(peers.map((p) => p.destroy()));
  if (texts.size !== nDocs) throw new Error(`Yjs replicas diverged: ${texts.size} distinct texts for ${nDocs} document(s)`);
  const out: YjsResult = { converge, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  if (cpu !== undefined) out.cpuPerEditMs = cpu / (shape.clients * shape.edits);
  return out;
}
