/**
 * The caches nodes of one thread share (nodeSharing.ts) are off where they
 * cannot help: on a worker node's thread, and for the main thread's
 * validation when every node runs on its own thread. Ops and states are
 * never changed after validation or a merge in the product; these tests
 * change them on purpose, so that a remembered answer shows.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changeToState, type PutChange } from '@syncline/shared';
import { setSharesCaches } from './nodeSharing.js';
import { encodeOp, validateOp } from './opCodec.js';
import { planBatch } from './planBatch.js';
import { elidable } from './sqliteOpLog.js';
import { encodeCompactState } from './stateCodec.js';
import { batchText, SqliteWorkerNode } from './SqliteWorkerNode.js';
import { MemoryNode } from './MemoryNode.js';
import { Replicator } from '../replication/Replicator.js';
import type { StoredOp } from './StorageNode.js';

const HLC = '001764870000000-000003-c1';
const put = (opId: string, fields: PutChange['fields']): PutChange => ({
  kind: 'put',
  opId,
  space: 's',
  table: 't',
  id: opId,
  hlc: HLC,
  fields,
});
const plan = (ops: StoredOp[]) => planBatch(ops, { isKnown: () => false, loadState: () => undefined, lastSeq: 0 });

afterEach(() => setSharesCaches(true));

describe.each([true, false])('caches shared on this thread: %s', (shared) => {
  it('validateOp remembers a valid op only when shared', () => {
    setSharesCaches(shared);
    const op = put('c1:1', { a: 1 });
    validateOp(op, 0);
    (op as { hlc: string }).hlc = 'not a stamp';
    if (shared) expect(() => validateOp(op, 0)).not.toThrow();
    else expect(() => validateOp(op, 0)).toThrow(/hlc/);
  });

  it('planBatch reuses the merged state of an op object only when shared', () => {
    setSharesCaches(shared);
    const op = put('c1:1', { a: 1 });
    const first = plan([op]).records[0]!.state;
    const second = plan([op]).records[0]!.state;
    expect(second).toEqual(first);
    expect(second === first).toBe(shared);
  });

  it('encodeCompactState and elidable remember per state object only when shared', () => {
    setSharesCaches(shared);
    const op = put('c1:1', { a: 1 });
    const state = changeToState(op);
    const text = encodeCompactState(state);
    expect(elidable(op, state)).toBe(true);
    state.fields.a = { t: HLC, v: 2 };
    expect(encodeCompactState(state) === text).toBe(shared);
    expect(elidable(op, state)).toBe(shared);
  });
});

it('validateOp(op, i, false) does not remember even where caches are shared (WritePath with only worker nodes)', () => {
  const op = put('c1:2', { a: 1 });
  validateOp(op, 0, false);
  (op as { hlc: string }).hlc = 'not a stamp';
  expect(() => validateOp(op, 0)).toThrow(/hlc/);
});

it("a SqliteWorkerNode's thread does not share caches, and its node reports ownThread", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'syncline-sharing-'));
  const node = await SqliteWorkerNode.open({ id: 'n1', path: join(dir, 'node.db') });
  try {
    expect(node.ownThread).toBe(true);
    expect(await node.sharesCaches()).toBe(false);
    // and still writes what an in-thread node writes
    const outcomes = await node.applyBatch([put('c1:3', { a: 1 }), put('c1:3', { a: 1 }), put('c1:4', { b: 2 })]);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'duplicate', 'applied']);
    expect((await node.pull('s', 0, 10)).records.map((r) => [r.id, r.state])).toEqual([
      ['c1:3', changeToState(put('c1:3', { a: 1 }))],
      ['c1:4', changeToState(put('c1:4', { b: 2 }))],
    ]);
  } finally {
    await node.close();
    await rm(dir, { recursive: true, force: true });
  }
});

describe('batches to worker-thread nodes cross as one JSON string (batchText)', () => {
  it('encodes each op object once for every worker node of a write', () => {
    const op = put('c1:5', { a: 1 });
    const first = batchText([op]);
    expect(first).toBe(`[${encodeOp(op)}]`);
    (op.fields as { a: number }).a = 2; // never done in the product: shows the remembered encoding
    // Mutation checked: encoding without remembering per op makes this read a = 2: fails here.
    expect(batchText([op, op])).toBe(`[${first!.slice(1, -1)},${first!.slice(1, -1)}]`);
  });

  it('leaves ops encodeOp cannot take to the structured clone, so the worker refuses them as any node does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncline-sharing-'));
    const node = await SqliteWorkerNode.open({ id: 'n1', path: join(dir, 'node.db') });
    try {
      const bad = { kind: 'yjs', opId: 'c1:6', space: 's', doc: 'd', update: 'not bytes' } as unknown as StoredOp;
      expect(batchText([put('c1:7', { a: 1 }), bad])).toBeUndefined();
      await expect(node.applyBatch([put('c1:7', { a: 1 }), bad])).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
      // A Yjs update crosses as base64 and is stored as the same bytes.
      const doc: StoredOp = { kind: 'yjs', opId: 'c1:8', space: 's', doc: 'd', update: new Uint8Array([0, 1, 254, 255]) };
      expect(batchText([doc])).toBeDefined();
      await node.applyBatch([doc]);
      expect((await node.pull('s', 0, 10)).docs.map((d) => [...d.update])).toEqual([[0, 1, 254, 255]]);
    } finally {
      await node.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the replicator remembers its validation only for nodes on its thread', () => {
  /** A node that, like a SqliteWorkerNode, works on its own copy of the ops. */
  class CopyingNode extends MemoryNode {
    readonly ownThread = true;
    override applyBatch(ops: StoredOp[]) {
      return super.applyBatch(structuredClone(ops));
    }
  }

  it.each([
    ['every node on its own thread', (id: string) => new CopyingNode(id), false],
    ['nodes on the server thread', (id: string) => new MemoryNode(id), true],
  ] as const)('%s', async (_name, make, remembered) => {
    const nodes = ['n1', 'n2', 'n3'].map(make);
    for (const n of nodes) await n.open();
    const rep = new Replicator(nodes, { mode: 'sync', healthIntervalMs: 60_000 });
    try {
      await rep.ready();
      const op = put('c1:9', { a: 1 });
      expect(await rep.write([op])).toMatchObject([{ status: 'ok' }]);
      (op as { hlc: string }).hlc = 'not a stamp';
      // Mutation checked: WritePath remembering regardless of its nodes makes the first case pass validation here: fails.
      if (remembered) expect(() => validateOp(op, 0)).not.toThrow();
      else expect(() => validateOp(op, 0)).toThrow(/hlc/);
    } finally {
      await rep.close();
    }
  });
});
