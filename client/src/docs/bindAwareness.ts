/**
 * Wires a document's Awareness to the DocChannel: our own state goes out
 * (the engine relays it to the server), states of others come in. A peer we
 * have not seen yet gets our state in return, so a newcomer learns who is
 * here without a query message. When the engine goes offline every remote
 * state is dropped (presence means "reachable now"); when it comes back we
 * announce ourselves again.
 */
import { applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import type { DocChannel } from './DocChannel.js';
import { toBytes } from './docRows.js';
import { REMOTE_ORIGIN } from './SynclineDoc.js';

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

export function bindAwareness(awareness: Awareness, channel: DocChannel, space: string, doc: string): () => void {
  const me = awareness.clientID;
  const announce = () => {
    channel.post({ type: 'awareness-out', space, doc, update: encodeAwarenessUpdate(awareness, [me]) });
  };
  const onUpdate = ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
    if (origin === REMOTE_ORIGIN) return;
    if ([...added, ...updated, ...removed].includes(me)) announce();
  };
  awareness.on('update', onUpdate);
  const off = channel.on((m) => {
    if (m.type === 'link') {
      if (m.online) {
        if (awareness.getLocalState() !== null) announce();
      } else {
        const others = [...awareness.getStates().keys()].filter((id) => id !== me);
        removeAwarenessStates(awareness, others, REMOTE_ORIGIN);
      }
      return;
    }
    if ((m.type !== 'awareness-in' && m.type !== 'awareness-out') || m.space !== space || m.doc !== doc) return;
    const known = new Set(awareness.getStates().keys());
    try {
      applyAwarenessUpdate(awareness, toBytes(m.update), REMOTE_ORIGIN);
    } catch {
      return; // a malformed update from a peer changes nothing
    }
    const newcomer = [...awareness.getStates().keys()].some((id) => !known.has(id));
    if (newcomer && awareness.getLocalState() !== null) announce();
  });
  return () => {
    off();
    awareness.off('update', onUpdate);
  };
}
