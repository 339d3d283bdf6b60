/**
 * A validation hook's rejection end to end: two real server processes
 * (sharing three SQLite nodes) load a rule with `--extension`; a real
 * Syncline client (fake-indexeddb) writes a valid record, then an invalid
 * change of it through each server. The client gets the typed rejection in
 * `_rejected` (`sync.rejected()`, and `flush()` throws it), and the record
 * is unchanged on every node; a later valid write still goes through.
 *
 * Mutation checked: ignoring the hook's error in writeChanges (writing the
 * change anyway) — failed: flush() resolved instead of rejecting.
 */
import { expect, it } from 'vitest';
import { materialize } from '@syncline/shared';
import { SqliteNode } from '@syncline/server';
import { openClient, startCluster, useCleanup, waitFor } from '../client/realCluster.js';

const live = useCleanup();

async function onNodes(dataDir: string, id: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const n of [1, 2, 3]) {
    const node = new SqliteNode({ id: `n${n}`, path: `${dataDir}/node${n}.db` });
    await node.open();
    const page = await node.pull('space-1', 0, 1000);
    out.push(page.records.filter((r) => r.id === id).map((r) => materialize(r.state))[0] ?? null);
    await node.close();
  }
  return out;
}

it('a rejected change reaches the writing client typed, and no node holds it', async () => {
  const { servers, dataDir } = await startCluster(2, ['--ack', 'sync', '--extension', 'test/backend/support/titleRule.ts']);
  live.servers.push(...servers);
  for (const [i, srv] of servers.entries()) {
    const c = openClient([srv.url]);
    live.clients.push(c);
    const id = `card-${i}`;
    await c.db.items.put({ id, title: 'valid', space: 'space-1' });
    await c.sync.flush({ until: 'accepted' });
    expect(await onNodes(dataDir, id)).toEqual(Array(3).fill({ id, title: 'valid', space: 'space-1' }));

    await c.db.items.update(id, { title: '   ' });
    await expect(c.sync.flush({ until: 'accepted' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await waitFor(async () => (await c.sync.rejected()).length === 1, 15_000, 'the rejection in _rejected');
    const [rejected] = await c.sync.rejected();
    expect(rejected!.error).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false, details: { reason: 'TITLE_EMPTY' } });
    expect(await onNodes(dataDir, id)).toEqual(Array(3).fill({ id, title: 'valid', space: 'space-1' }));

    await c.db.items.update(id, { title: 'fixed' });
    await c.sync.flush({ until: 'accepted' });
    expect(await onNodes(dataDir, id)).toEqual(Array(3).fill({ id, title: 'fixed', space: 'space-1' }));
  }
}, 120_000);
