/**
 * Bounds and ownership of presence on one server (issue 13 F4, F8).
 *
 * - A connection may announce at most `perConnection` awareness clientIDs
 *   (over all its documents), and a document holds at most `perDoc` on this
 *   server: a read-only socket can no longer grow the server's memory by
 *   inventing clientIDs until the heap is gone.
 * - A clientID belongs to the connection that introduced it (per document)
 *   until that connection leaves (or a reconnect of the same client id takes
 *   it over): another connection speaking for it is
 *   refused, so nobody can impersonate a peer's presence or — by
 *   disconnecting — make the server announce that peer's departure.
 *
 * Checked before anything is recorded or relayed. Per server: two servers
 * do not share this table (an id introduced on server A can be spoken for
 * on server B); the limits bound memory per process either way.
 */
import { SyncError } from '@syncline/shared';
import type { AwarenessEntry } from './decodeAwareness.js';

export const PRESENCE_LIMITS = { perConnection: 64, perDoc: 512 } as const;

interface Owner {
  socketId: string;
  /** The connection's (bound) client id: a reconnect of the same client takes its ids over at once. */
  clientId: string;
}

export class PresenceRegistry {
  /** key JSON [space, doc] -> awareness clientID -> owner */
  private readonly owners = new Map<string, Map<number, Owner>>();
  /** socket id -> how many clientIDs it owns */
  private readonly counts = new Map<string, number>();

  constructor(private readonly limits: { perConnection: number; perDoc: number } = PRESENCE_LIMITS) {}

  /** Throws (nothing recorded) unless every entry is the socket's own or may become so. */
  claim(socketId: string, clientId: string, space: string, doc: string, entries: readonly AwarenessEntry[]): void {
    const key = JSON.stringify([space, doc]);
    const owners = this.owners.get(key);
    const fresh = new Set<number>();
    for (const e of entries) {
      const owner = owners?.get(e.clientId);
      if (owner === undefined || (owner.clientId === clientId && owner.socketId !== socketId)) fresh.add(e.clientId);
      else if (owner.socketId !== socketId)
        throw new SyncError('IDENTITY_MISMATCH', `awareness client ${e.clientId} belongs to another connection`, {
          awarenessClientId: e.clientId,
        });
    }
    if (fresh.size === 0) return;
    const mine = this.counts.get(socketId) ?? 0;
    if (mine + fresh.size > this.limits.perConnection) {
      throw new SyncError('PAYLOAD_TOO_LARGE', `at most ${this.limits.perConnection} awareness clients per connection`, {
        maxPresencePerConnection: this.limits.perConnection,
      });
    }
    if ((owners?.size ?? 0) + fresh.size > this.limits.perDoc) {
      throw new SyncError('PAYLOAD_TOO_LARGE', `at most ${this.limits.perDoc} awareness clients per document`, {
        maxPresencePerDoc: this.limits.perDoc,
      });
    }
    const map = owners ?? new Map<number, Owner>();
    this.owners.set(key, map);
    for (const id of fresh) map.set(id, { socketId, clientId });
    this.counts.set(socketId, mine + fresh.size);
  }

  /**
   * The socket left: its clientIDs are free again. Answers the entries it
   * still owned (the ones whose departure may be announced; an id taken
   * over by a reconnect of the same client is not gone).
   */
  release<T extends { space: string; doc: string; entries: AwarenessEntry[] }>(socketId: string, announced: readonly T[]): T[] {
    const out: T[] = [];
    for (const a of announced) {
      const key = JSON.stringify([a.space, a.doc]);
      const map = this.owners.get(key);
      if (!map) continue;
      const owned = a.entries.filter((e) => map.get(e.clientId)?.socketId === socketId);
      for (const e of owned) map.delete(e.clientId);
      if (map.size === 0) this.owners.delete(key);
      if (owned.length) out.push({ ...a, entries: owned });
    }
    this.counts.delete(socketId);
    return out;
  }
}
