/**
 * The server the browser is connected to is SIGKILLed while a person keeps
 * adding cards: the page keeps working from IndexedDB, its worker moves to
 * the other server, the status bar shows the new server, and every card
 * reaches the other person exactly once.
 */
import { describe, expect, it } from 'vitest';
import { BoardPage } from './support/boardPage.js';
import { eventually, uniqueBoard, useBoardCluster } from './support/boardCluster.js';

const cluster = useBoardCluster();

describe('server failover in the browser', () => {
  it('SIGKILL of the connected server: the page keeps working, shows the other server, loses nothing', async () => {
    const url = cluster().boardUrl(uniqueBoard('failover'));
    const alice = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    const bob = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    await alice.waitSynced();
    const before = (await alice.status()).server;
    const victim = cluster().servers.find((s) => s.url === before)!;
    const survivor = cluster().servers.find((s) => s !== victim)!;
    expect(victim).toBeDefined();

    const titles: string[] = [];
    for (let i = 1; i <= 3; i++) titles.push(`Before kill ${i}`);
    for (const t of titles.slice(0, 3)) await alice.addCard(0, t);
    await alice.screenshot('failover-before-kill');
    const killed = victim.kill('SIGKILL');
    // Keep working right through the crash: these writes sit in IndexedDB until the worker reconnects.
    for (let i = 1; i <= 4; i++) {
      titles.push(`During failover ${i}`);
      await alice.addCard(1, `During failover ${i}`);
    }
    await killed;
    await eventually(
      'alice on the other server',
      () => alice.status(),
      (s) => s.state === 'online' && s.server === survivor.url,
    );
    await eventually(
      'bob on the other server',
      () => bob.status(),
      (s) => s.state === 'online' && s.server === survivor.url,
    );
    titles.push('After failover');
    await alice.addCard(2, 'After failover');
    await alice.waitSynced();
    expect(await alice.page.locator('[data-testid=sync-moved]').innerText()).toBe(`moved from ${new URL(victim.url).host}`);
    await alice.screenshot('failover-after-kill');

    const sorted = (b: string[][]) => b.flat().sort();
    await eventually(
      'bob has every card exactly once',
      () => bob.board(),
      (b) => JSON.stringify(sorted(b)) === JSON.stringify([...titles].sort()),
      30_000,
    );
    expect(await bob.board()).toEqual(await alice.board());
    expect(await cluster().connectedClients()).toBe(2);
    await bob.screenshot('failover-bob');
  });
});
