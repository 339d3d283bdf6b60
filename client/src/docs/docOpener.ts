/**
 * `Syncline.doc()`: opens a document through the outbox, first subscribing
 * (once per tab, in the background) to a space the tab did not list.
 */
import type { Dexie } from 'dexie';
import { addSpaces } from '../spaces.js';
import type { SynclineLogger } from '../logger.js';
import type { SynclineOptions } from '../SynclineOptions.js';
import type { SyncLeader } from '../leader/SyncLeader.js';
import { openDoc } from './openDoc.js';
import type { SynclineDoc } from './SynclineDoc.js';

export function docOpener(
  db: Dexie,
  options: SynclineOptions,
  logger: SynclineLogger,
  leader: Pick<SyncLeader, 'outboxChanged' | 'spacesAdded' | 'pushNow'>,
  spaces: readonly string[],
): (space: string, docId: string) => SynclineDoc {
  const docSpaces = new Set(spaces);
  return (space, docId) => {
    if (!docSpaces.has(space)) {
      docSpaces.add(space);
      void addSpaces(db, [space])
        .then(() => leader.spacesAdded([space]))
        .catch((err: unknown) => logger.warn(`Syncline: subscribing to space ${space} for a document failed`, err));
    }
    return openDoc(db, space, docId, {
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(options.ack ? { ack: options.ack } : {}),
      keep: options.keepUntil ?? 'accepted',
      logger,
      notify: () => leader.outboxChanged(),
      pushNow: (change, ack) => leader.pushNow(change, ack),
    });
  };
}
