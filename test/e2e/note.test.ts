/**
 * The board's shared note (a Yjs document) in real Chromium: two people
 * type at the same time and end with the same text holding both people's
 * words, see each other in the presence bar, and an offline person's note
 * edits — across an offline reload — merge when they come back.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardPage } from './support/boardPage.js';
import { eventually, uniqueBoard, useBoardCluster } from './support/boardCluster.js';

const cluster = useBoardCluster();

const editor = (page: Page) => page.locator('[data-testid=note-editor][data-loaded=true]');
const noteText = (page: Page) => editor(page).inputValue();
const presence = (page: Page) => page.locator('[data-testid=presence-chip]').count();

/** Types at the end of the note, like a person appending a sentence. */
async function typeAtEnd(page: Page, words: string): Promise<void> {
  const area = editor(page);
  await area.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(words, { delay: 15 });
}

describe('shared note', () => {
  it('two contexts type at the same time and converge to one text with both people’s words, with presence', async () => {
    const url = cluster().boardUrl(uniqueBoard('note'));
    const alice = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    const bob = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    await editor(alice.page).waitFor();
    await editor(bob.page).waitFor();
    await eventually(
      'each sees two people here',
      async () => [await presence(alice.page), await presence(bob.page)],
      (n) => n[0] === 2 && n[1] === 2,
    );

    const t0 = Date.now();
    await Promise.all([typeAtEnd(alice.page, ' Alice writes the agenda.'), typeAtEnd(bob.page, ' Bob adds the budget.')]);
    const texts = await eventually(
      'both notes equal and complete',
      async () => [await noteText(alice.page), await noteText(bob.page)],
      ([a, b]) => a === b && a!.includes('Alice writes the agenda.') && a!.includes('Bob adds the budget.'),
    );
    console.log(`note: 2 browsers typing concurrently converged ${Date.now() - t0} ms after typing started`);
    expect(texts[0]).toBe(texts[1]);
    await alice.screenshot('note-alice');
    await bob.screenshot('note-bob');
  });

  it('offline note edits, across an offline reload, merge with the other person’s edits when back online', async () => {
    const url = cluster().boardUrl(uniqueBoard('note-offline'));
    const aliceCtx = await cluster().browser.newContext();
    const alice = await new BoardPage(await aliceCtx.newPage()).open(url);
    const bob = await new BoardPage(await (await cluster().browser.newContext()).newPage()).open(url);
    await alice.waitForServiceWorker();
    await editor(alice.page).waitFor();
    await typeAtEnd(alice.page, 'Start.');
    await eventually(
      'bob has the start',
      () => noteText(bob.page),
      (t) => t === 'Start.',
    );

    await aliceCtx.setOffline(true);
    await alice.page.waitForFunction(() => !navigator.onLine);
    await typeAtEnd(alice.page, ' Offline one.');
    await typeAtEnd(bob.page, ' Bob online.');
    await alice.reload(); // no network: shell from the service worker, note from IndexedDB
    expect(await noteText(alice.page)).toBe('Start. Offline one.');
    await typeAtEnd(alice.page, ' Offline two.');
    await alice.screenshot('note-offline-after-reload');

    await aliceCtx.setOffline(false);
    const [a] = await eventually(
      'converged',
      async () => [await noteText(alice.page), await noteText(bob.page)],
      ([x, y]) => x === y && ['Start.', 'Offline one.', 'Offline two.', 'Bob online.'].every((w) => x!.includes(w)),
      30_000,
    );
    expect(a).toContain('Offline one. Offline two.');
    await alice.waitSynced();
    await alice.screenshot('note-offline-converged-alice');
    await bob.screenshot('note-offline-converged-bob');
  });
});
