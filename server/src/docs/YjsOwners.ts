/**
 * Yjs clientID ownership (docs/security.md "Yjs clientIDs"). A Yjs item id
 * is (clientID, clock); a replica ignores an item whose id it already has.
 * So whoever first stores structs under a clientID at some clocks decides
 * what those ids mean everywhere: a writer who pushed structs under a
 * victim's clientID at the victim's next clocks made the victim's next edit
 * a silent no-op on every other replica. The server therefore records the
 * first identity to insert under each clientID of a document, before that
 * update is written, and refuses (per op, IDENTITY_MISMATCH) an update with
 * structs under a clientID another identity owns. Deletes are not checked:
 * deleting other people's text is ordinary editing, and a delete set names
 * the deleted items, not the deleter.
 *
 * Durable across servers: claims are kept in every reachable storage node's
 * meta store (`yowner:[space,doc,clientID]`), read from the first node that
 * has one. A claim is written before the update that makes the clientID
 * visible to anyone, so by the time an attacker can read a clientID from a
 * pulled document, its owner is on record. Per-server cache bounded.
 */
import * as Y from 'yjs';
import { SyncError, subjectTag, type DocChange } from '@syncline/shared';
import type { StorageNode } from '../storage/StorageNode.js';

export interface OwnerStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, owner: string): Promise<void>;
}

const MAX_CACHED = 100_000;

export class YjsOwners {
  private readonly cache = new Map<string, string>();
  private readonly claiming = new Map<string, Promise<string>>();

  constructor(private readonly store: OwnerStore) {}

  /** Why `update` may not be written by `identity`, or undefined (claims unowned clientIDs for it). */
  async check(identity: string, change: DocChange): Promise<SyncError | undefined> {
    const clients = new Set(Y.decodeUpdate(change.update).structs.map((s) => s.id.client));
    for (const client of clients) {
      const owner = await this.ownerOf(JSON.stringify([change.space, change.doc, client]), identity);
      if (owner !== identity) {
        return new SyncError(
          'IDENTITY_MISMATCH',
          `Yjs clientID ${client} of document ${change.doc.slice(0, 256)} belongs to another writer`,
          { yjsClientId: client },
        );
      }
    }
    return undefined;
  }

  private ownerOf(key: string, claimant: string): Promise<string> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.claiming.get(key);
    if (!pending) {
      pending = (async () => {
        const stored = await this.store.get(`yowner:${key}`);
        const owner = stored ?? claimant;
        if (stored === undefined) await this.store.set(`yowner:${key}`, owner);
        if (this.cache.size >= MAX_CACHED) this.cache.clear();
        this.cache.set(key, owner);
        return owner;
      })().finally(() => this.claiming.delete(key));
      this.claiming.set(key, pending);
    }
    return pending;
  }
}

/** The identity a Yjs clientID is owned by: the token subject, else the (unbound) client id. */
export function writerIdentity(sub: string | undefined, clientId: string): string {
  return sub !== undefined ? `sub:${subjectTag(sub)}` : `client:${clientId}`;
}

/** Claims on every storage node that answers; read from the first that has one. */
export function nodeOwnerStore(nodes: readonly StorageNode[]): OwnerStore {
  return {
    async get(key) {
      for (const node of nodes) {
        try {
          const v = await bounded(node.getMeta(key));
          if (v !== undefined) return v;
        } catch {
          // a node that is down: ask the next
        }
      }
      return undefined;
    },
    async set(key, owner) {
      const done = await Promise.allSettled(nodes.map((n) => bounded(n.setMeta(key, owner))));
      if (!done.some((d) => d.status === 'fulfilled'))
        throw new SyncError('STORAGE_ERROR', 'no storage node could record the Yjs clientID owner');
    },
  };
}

/** A node that hangs must not hold a push forever: treat it as down for this call. */
function bounded<T>(p: Promise<T>, ms = 3000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('storage node timed out')), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** For servers without their own storage nodes (embedding with only a replicator): this process only. */
export function memoryOwnerStore(): OwnerStore {
  const map = new Map<string, string>();
  return { get: async (k) => map.get(k), set: async (k, v) => void map.set(k, v) };
}
