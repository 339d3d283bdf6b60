/** Op builders and helpers for the conformance suite. */
import { encodeHlc, materialize, type DeleteChange, type DocChange, type Json, type PutChange } from '@syncline/shared';
import type { StorageNode } from '../StorageNode.js';

export interface ConformanceContext {
  node: StorageNode;
  /** Opens a new node on the same storage (after `node` was closed). */
  reopen?: () => Promise<StorageNode>;
  cleanup: () => Promise<void>;
  /**
   * Makes the next applyBatch fail after its rows are written but before it
   * commits (wire it to the node's `beforeCommit` option; see failPoint()).
   */
  failNextCommit?: () => void;
}

/** A one-shot fault: pass `hook` as a node's beforeCommit, call `arm` to fail the next commit. */
export function failPoint(): { hook: () => void; arm: () => void } {
  let armed = false;
  return {
    hook: () => {
      if (!armed) return;
      armed = false;
      throw new Error('injected failure before commit');
    },
    arm: () => {
      armed = true;
    },
  };
}

export type ConformanceSetup = () => Promise<ConformanceContext>;

/** A stamp at wall time `ms` (small numbers are fine: only order matters). */
export function stamp(ms: number, node = 'c'): string {
  return encodeHlc({ ms, counter: 0, node });
}

let counter = 0;
/** A fresh, globally unique op id. */
export function nextOpId(client = 'c'): string {
  counter += 1;
  return `${client}${process.pid}:${counter}`;
}

export function put(id: string, ms: number, fields: Record<string, Json>, extra: Partial<Omit<PutChange, 'kind'>> = {}): PutChange {
  return { kind: 'put', opId: nextOpId(), space: 's', table: 't', id, hlc: stamp(ms), fields, ...extra };
}

export function del(id: string, ms: number, extra: Partial<Omit<DeleteChange, 'kind'>> = {}): DeleteChange {
  return { kind: 'delete', opId: nextOpId(), space: 's', table: 't', id, hlc: stamp(ms), ...extra };
}

export function yjs(doc: string, bytes: number[], extra: Partial<Omit<DocChange, 'kind'>> = {}): DocChange {
  return { kind: 'yjs', opId: nextOpId(), space: 's', doc, update: new Uint8Array(bytes), ...extra };
}

/** Every record and doc row of a space, by paging with a small limit. */
export async function pullAll(node: StorageNode, space = 's', limit = 1000) {
  const records = [];
  const docs = [];
  let after = 0;
  for (;;) {
    const page = await node.pull(space, after, limit);
    records.push(...page.records);
    docs.push(...page.docs);
    after = page.lastSeq;
    if (!page.hasMore) return { records, docs, lastSeq: after };
  }
}

/** The visible value of one record (null when deleted or absent). */
export async function visible(node: StorageNode, id: string, space = 's', table = 't') {
  const { records } = await pullAll(node, space);
  const row = records.find((r) => r.table === table && r.id === id);
  return row ? materialize(row.state) : null;
}

/** A comparable snapshot of everything a node exposes (seqs included). */
export async function snapshot(node: StorageNode, spaces = ['s']) {
  const pulls = [];
  for (const space of spaces) pulls.push(await pullAll(node, space));
  const log = await node.readOpLog(0, 100_000);
  return { pulls, log: log.ops, count: await node.opCount(), digest: await node.digest() };
}
