/**
 * Several tabs of one browser profile share one database; only the leader
 * tab runs the sync worker, so the servers see one connection. When the
 * leader tab closes, another tab takes over and syncing goes on.
 */
import { describe, expect, it } from 'vitest';
import { BoardPage } from './support/boardPage.js';
import { eventually, uniqueBoard, useBoardCluster } from './support/boardCluster.js';

const cluster = useBoardCluster();

describe('two tabs of one context', () => {
  it('hold one socket between them; closing the leader tab hands syncing to the other', async () => {
    const url = cluster().boardUrl(uniqueBoard('tabs'));
    const ctx = await cluster().browser.newContext();
    const tab1 = await new BoardPage(await ctx.newPage()).open(url);
    await tab1.waitSynced();
    const tab2 = await new BoardPage(await ctx.newPage()).open(url);
    await eventually(
      'tab 2 shows the leader’s status',
      () => tab2.status(),
      (s) => s.state === 'online',
    );
    expect((await tab1.status()).role).toBe('this tab syncs');
    expect((await tab2.status()).role).toBe('synced by another tab');
    // Give a wrongly started second engine time to connect before counting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await cluster().connectedClients()).toBe(1);

    const other = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    await eventually(
      'two contexts, two sockets',
      () => cluster().connectedClients(),
      (n) => n === 2,
    );

    // A write in the follower tab goes through IndexedDB to the leader's worker.
    await tab2.addCard(0, 'From the follower tab');
    await eventually(
      'the other context sees it',
      () => other.board(),
      (b) => b[0]!.includes('From the follower tab'),
    );
    await tab1.screenshot('tabs-leader');
    await tab2.screenshot('tabs-follower');

    await tab1.page.close();
    await eventually(
      'tab 2 leads',
      () => tab2.status(),
      (s) => s.role === 'this tab syncs' && s.state === 'online',
    );
    await eventually(
      'still one socket for the context (plus the other context)',
      () => cluster().connectedClients(),
      (n) => n === 2,
    );

    await tab2.addCard(1, 'After the leader left');
    await other.addCard(2, 'From the other context');
    await eventually(
      'the other context sees the new leader’s write',
      () => other.board(),
      (b) => b[1]!.includes('After the leader left'),
    );
    await eventually(
      'tab 2 receives',
      () => tab2.board(),
      (b) => b[2]!.includes('From the other context'),
    );
    await tab2.waitSynced();
    expect(await tab2.board()).toEqual(await other.board());
    await new Promise((r) => setTimeout(r, 1000));
    expect(await cluster().connectedClients()).toBe(2);
  });
});
