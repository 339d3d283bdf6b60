/**
 * Two people look at the same board and do nothing; the server both pages
 * use is SIGKILLed. Both pages must notice by themselves (no write, no pull
 * due to wake them), name the other server within 3 s, show the lost
 * connection as state rather than as a red error, and a card made then
 * reaches the other page.
 *
 * Mutation caught: keeping the pre-welcome `disconnect` listener in
 * SocketIoTransport after `welcome` — both pages keep showing the dead
 * server until their next periodic pull (5 s in TEST_ENGINE, 30 s by default).
 */
import { describe, expect, it } from 'vitest';
import { BoardPage } from './support/boardPage.js';
import { eventually, uniqueBoard, useBoardCluster } from './support/boardCluster.js';

const cluster = useBoardCluster();

describe('idle pages and a dead server', () => {
  it('SIGKILL of the server two idle pages use: both name the other server within 3 s, and a card made then reaches the other page', async () => {
    const url = cluster().boardUrl(uniqueBoard('idle-failover'));
    const alice = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    const bob = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    await alice.waitSynced();
    await bob.waitSynced();
    const used = (await alice.status()).server;
    expect((await bob.status()).server).toBe(used);
    const victim = cluster().servers.find((s) => s.url === used)!;
    const survivor = cluster().servers.find((s) => s !== victim)!;
    // Idle: let any start-up pull settle so nothing is in flight when the server dies.
    await new Promise((r) => setTimeout(r, 500));

    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    const moved = await Promise.all(
      [alice, bob].map(async (page, i) => {
        await eventually(
          `page ${i} online on the other server`,
          () => page.status(),
          (s) => s.state === 'online' && s.server === survivor.url,
          3_000,
        );
        return Date.now() - killedAt;
      }),
    );
    console.log(`idle pages on the other server after ${moved.join(' ms and ')} ms`);
    for (const page of [alice, bob]) expect((await page.status()).error).toBe('');

    await alice.addCard(0, 'After the crash');
    await eventually(
      'bob sees the card',
      () => bob.board(),
      (b) => b[0]!.includes('After the crash'),
      20_000,
    );
    await alice.screenshot('idle-failover-alice');
  });
});
