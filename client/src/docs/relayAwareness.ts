/**
 * Engine side of awareness, attached for the life of one connection:
 * awareness updates posted by open documents (any tab) go to the server as
 * fire-and-forget `awareness` events; ones the server relays from other
 * clients go back to the documents. Nothing is stored, and nothing is sent
 * while offline — presence is only meaningful while reachable.
 */
import type { AwarenessMessage } from '@syncline/shared';
import type { Transport } from '../engine/Transport.js';
import { DocChannel } from './DocChannel.js';
import { toBytes } from './docRows.js';

export function relayAwareness(dbName: string, t: Transport): () => void {
  const channel = new DocChannel(dbName);
  const offIn = t.on('awareness', (p) => {
    const m = p as AwarenessMessage;
    if (typeof m?.space !== 'string' || typeof m.doc !== 'string') return;
    try {
      channel.post({ type: 'awareness-in', space: m.space, doc: m.doc, update: toBytes(m.update) });
    } catch {
      // not binary: ignore
    }
  });
  channel.on((m) => {
    if (m.type === 'awareness-out') t.emit?.('awareness', { space: m.space, doc: m.doc, update: m.update } satisfies AwarenessMessage);
  });
  channel.post({ type: 'link', online: true });
  return () => {
    offIn();
    channel.post({ type: 'link', online: false });
    channel.close();
  };
}
