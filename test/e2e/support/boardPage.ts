/**
 * Drives the board app the way a person does (fill, click or tap) and
 * reads what it shows. Selectors are the app's data-testid attributes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../helpers/spawnServer.js';

export const SHOTS_DIR = join(REPO_ROOT, 'test-results/screenshots');

export interface ShownStatus {
  state: string;
  server: string;
  pending: number;
  role: string;
  /** A transport state (`UNAVAILABLE`, `DISCONNECTED`, draining) shown beside the state, not as an error. */
  connection: string;
  error: string;
}

export class BoardPage {
  /** `tap` on touch devices, `click` elsewhere. */
  constructor(
    readonly page: Page,
    private readonly touch = false,
  ) {
    page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  }

  async open(url: string): Promise<this> {
    await this.page.goto(url);
    await this.ready();
    return this;
  }

  async ready(): Promise<void> {
    await this.page.locator('#app[data-ready="true"]').waitFor({ timeout: 20_000 });
    await this.page.locator('[data-testid=list]').nth(2).waitFor();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.ready();
  }

  /** Waits until the service worker controls the page (the shell is precached). */
  async waitForServiceWorker(): Promise<void> {
    await this.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
  }

  private async press(selector: ReturnType<Page['locator']>): Promise<void> {
    if (this.touch) await selector.tap();
    else await selector.click();
  }

  list(index: number) {
    return this.page.locator('[data-testid=list]').nth(index);
  }

  card(title: string) {
    return this.page.locator('[data-testid=card]', { hasText: title }).first();
  }

  async addCard(listIndex: number, title: string): Promise<void> {
    await this.submitCard(listIndex, title);
    await this.list(listIndex).locator('[data-testid=card]', { hasText: title }).waitFor();
  }

  /** Submits a card without waiting for it to show (one the server refuses may be gone before it renders). */
  async submitCard(listIndex: number, title: string): Promise<void> {
    const list = this.list(listIndex);
    await list.scrollIntoViewIfNeeded();
    await list.locator('[data-testid=add-card-input]').fill(title);
    await this.press(list.locator('[data-testid=add-card-button]'));
  }

  /** Opens a card's sheet, optionally renames it, applies moves, then saves. */
  async editCard(
    title: string,
    edit: { rename?: string; moves?: ('move-prev-list' | 'move-next-list' | 'move-up' | 'move-down')[] },
  ): Promise<void> {
    const card = this.card(title);
    await card.scrollIntoViewIfNeeded();
    await this.press(card.locator('button'));
    const sheet = this.page.locator('[data-testid=card-editor]');
    await sheet.waitFor();
    for (const m of edit.moves ?? []) {
      const before = await sheet.locator('[data-testid=card-where]').innerText();
      await this.press(sheet.locator(`[data-testid=${m}]`));
      await this.page.waitForFunction((b) => document.querySelector('[data-testid=card-where]')?.textContent !== b, before);
    }
    if (edit.rename !== undefined) await sheet.locator('[data-testid=card-title-input]').fill(edit.rename);
    await this.press(sheet.locator(edit.rename !== undefined ? '[data-testid=save-card]' : '[data-testid=close-card]'));
    await sheet.waitFor({ state: 'hidden' });
  }

  async deleteCard(title: string): Promise<void> {
    const card = this.card(title);
    await card.scrollIntoViewIfNeeded();
    await this.press(card.locator('button'));
    await this.press(this.page.locator('[data-testid=card-editor] [data-testid=delete-card]'));
    await card.waitFor({ state: 'detached' });
  }

  /** Titles per list, in display order: what a person sees. */
  async board(): Promise<string[][]> {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=list]')].map((l) =>
        [...l.querySelectorAll('[data-testid=card]')].map((c) => c.textContent ?? ''),
      ),
    );
  }

  async status(): Promise<ShownStatus> {
    return this.page.evaluate(() => {
      const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid=${id}]`);
      return {
        state: q('status-bar')?.dataset.state ?? '',
        server: q('sync-server')?.dataset.url ?? '',
        pending: Number(q('sync-pending')?.dataset.count ?? NaN),
        role: q('sync-role')?.textContent ?? '',
        connection: q('sync-connection')?.hidden === false ? (q('sync-connection')?.textContent ?? '') : '',
        error: q('sync-error')?.textContent ?? '',
      };
    });
  }

  /** Online with nothing pending. */
  /** Waits until a pull has completed (the status bar's `data-last-pull-at`). */
  async waitPulled(timeoutMs = 30_000): Promise<void> {
    await this.page.waitForFunction(() => !!document.querySelector<HTMLElement>('[data-testid=status-bar]')?.dataset.lastPullAt, null, {
      timeout: timeoutMs,
      polling: 50,
    });
  }

  async waitSynced(timeoutMs = 30_000): Promise<void> {
    await this.page.waitForFunction(
      () =>
        document.querySelector<HTMLElement>('[data-testid=status-bar]')?.dataset.state === 'online' &&
        document.querySelector<HTMLElement>('[data-testid=sync-pending]')?.dataset.count === '0',
      null,
      { timeout: timeoutMs, polling: 100 },
    );
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(SHOTS_DIR, { recursive: true });
    await this.page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
  }
}
