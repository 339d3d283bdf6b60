import { expect, it } from 'vitest';
import { failPoint, runStorageNodeConformance } from './conformance.js';
import { MemoryNode } from './MemoryNode.js';

runStorageNodeConformance('MemoryNode', async () => {
  const fault = failPoint();
  const node = new MemoryNode('mem', { beforeCommit: fault.hook });
  return { node, failNextCommit: fault.arm, cleanup: () => node.close() };
});

it('MemoryNode.setDown makes every call fail with STORAGE_ERROR until it is up again', async () => {
  const node = new MemoryNode('m');
  await node.open();
  node.setDown(true);
  await expect(node.ping()).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
  await expect(node.applyBatch([])).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
  node.setDown(false);
  await node.ping();
});
