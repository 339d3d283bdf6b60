/**
 * Which awareness clients each socket announced, per (space, doc), so that
 * when the socket goes away — closed tab, lost network, killed client — the
 * others are told at once instead of waiting for the 30 s awareness timeout.
 * Memory only: presence is never stored.
 */
import type { AwarenessEntry } from './decodeAwareness.js';

export class PresenceTracker {
  /** key JSON [space, doc] -> clientId -> last clock */
  private readonly byDoc = new Map<string, Map<number, number>>();

  note(space: string, doc: string, entries: readonly AwarenessEntry[]): void {
    if (entries.length === 0) return;
    const key = JSON.stringify([space, doc]);
    let clients = this.byDoc.get(key);
    if (!clients) this.byDoc.set(key, (clients = new Map()));
    for (const e of entries) clients.set(e.clientId, Math.max(e.clock, clients.get(e.clientId) ?? 0));
  }

  /** Everything announced, to be withdrawn. */
  drain(): { space: string; doc: string; entries: AwarenessEntry[] }[] {
    const out = [...this.byDoc].map(([key, clients]) => {
      const [space, doc] = JSON.parse(key) as [string, string];
      return { space, doc, entries: [...clients].map(([clientId, clock]) => ({ clientId, clock })) };
    });
    this.byDoc.clear();
    return out;
  }
}
