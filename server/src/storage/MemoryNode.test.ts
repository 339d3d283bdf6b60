import { expect, it } from 'vitest';
import { runStorageNodeConformance } from './conformance.js';
import { MemoryNode } from './MemoryNode.js';

runStorageNodeConformance('MemoryNode', async () => {
  const node = new MemoryNode('mem');
  return { node, cleanup: () => node.close() };
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
