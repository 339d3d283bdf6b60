/**
 * The same flows on a phone: 390x844 viewport, touch events, mobile
 * viewport handling. Every action is a tap. Two phones on one board: sync,
 * offline edits with an offline reload, then the connected server is
 * SIGKILLed — and both phones end with the same board, nothing lost.
 */
import { describe, expect, it } from 'vitest';
import { PHONE } from '../helpers/browser.js';
import { BoardPage } from './support/boardPage.js';
import { eventually, uniqueBoard, useBoardCluster } from './support/boardCluster.js';

const cluster = useBoardCluster();

describe('phone viewport with touch', () => {
  it('sync, offline reload and server failover, all by tapping', async () => {
    const url = cluster().boardUrl(uniqueBoard('phone'));
    const ctxA = await cluster().browser.newContext(PHONE);
    const a = await new BoardPage(await ctxA.newPage(), true).open(url);
    const b = await new BoardPage(await (await cluster().browser.newContext(PHONE)).newPage(), true).open(url);
    expect(await a.page.evaluate(() => ({ w: innerWidth, touch: navigator.maxTouchPoints > 0 }))).toEqual({ w: 390, touch: true });
    // Mobile layout: one list fills most of the screen; the others are a swipe away.
    const listWidth = await a.list(0).evaluate((el) => el.getBoundingClientRect().width);
    expect(listWidth).toBeGreaterThan(300);
    expect(listWidth).toBeLessThanOrEqual(390);

    await a.addCard(0, 'Tapped in');
    await eventually(
      'phone B sees it',
      () => b.board(),
      (x) => x[0]!.includes('Tapped in'),
    );
    await b.editCard('Tapped in', { moves: ['move-next-list'], rename: 'Tapped in, moved by B' });
    await eventually(
      'phone A sees the move',
      () => a.board(),
      (x) => x[1]!.includes('Tapped in, moved by B'),
    );
    await a.waitForServiceWorker();
    await a.waitSynced();
    await a.screenshot('phone-a-synced');

    await ctxA.setOffline(true);
    await a.page.waitForFunction(() => !navigator.onLine);
    await a.addCard(0, 'Phone offline 1');
    await a.reload();
    expect((await a.board())[0]).toContain('Phone offline 1');
    await a.addCard(2, 'Phone offline 2');
    await a.editCard('Tapped in, moved by B', { moves: ['move-next-list'] });
    await a.screenshot('phone-a-offline');
    // Open the card sheet for the picture: a bottom sheet on a phone.
    await a.card('Phone offline 2').locator('button').tap();
    await a.screenshot('phone-a-card-sheet');
    await a.page.locator('[data-testid=close-card]').tap();
    await ctxA.setOffline(false);
    await a.waitSynced();

    const connected = (await a.status()).server;
    const dead = cluster().servers.find((s) => s.url === connected)!;
    const alive = cluster().servers.find((s) => s !== dead)!;
    await dead.kill('SIGKILL');
    await a.addCard(1, 'After the crash');
    await eventually(
      'phone A shows the other server',
      () => a.status(),
      (s) => s.state === 'online' && s.server === alive.url,
    );
    await a.waitSynced();
    expect(await a.page.locator('[data-testid=sync-moved]').innerText()).toBe(`moved from ${new URL(dead.url).host}`);
    await a.screenshot('phone-a-failed-over');

    const want = [['Phone offline 1'], ['After the crash'], ['Tapped in, moved by B', 'Phone offline 2']];
    const sorted = (x: string[][]) => JSON.stringify(x.map((l) => [...l].sort()));
    await eventually(
      'phone B converged',
      () => b.board(),
      (x) => sorted(x) === sorted(want),
      30_000,
    );
    await eventually(
      'phone A converged',
      () => a.board(),
      (x) => sorted(x) === sorted(want),
    );
    expect(await a.board()).toEqual(await b.board());
    await b.screenshot('phone-b-final');
  });
});
