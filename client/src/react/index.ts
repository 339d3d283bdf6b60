/**
 * @syncline/client/react — hooks next to Dexie's own `useLiveQuery`
 * (dexie-react-hooks). Records need no glue: read them with `useLiveQuery`,
 * write them with plain Dexie calls.
 *
 * ```tsx
 * import { useLiveQuery } from 'dexie-react-hooks';
 * import { useSyncStatus, useYDoc } from '@syncline/client/react';
 *
 * function Board() {
 *   const cards = useLiveQuery(() => db.cards.toArray(), []);
 *   const status = useSyncStatus(sync);          // re-renders on every status change
 *   const note = useYDoc(sync, 'team-1', 'notes'); // opened on mount, destroyed on unmount
 *   return <p>{status.state} · {status.pendingCount} pending · {note.loaded ? note.doc!.getText('t').toString() : '…'}</p>;
 * }
 * ```
 */
export { useSyncStatus, type StatusSource } from './useSyncStatus.js';
export { useYDoc, type YDocState, type DocSource } from './useYDoc.js';
