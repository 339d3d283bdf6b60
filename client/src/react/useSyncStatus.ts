import { useSyncExternalStore } from 'react';
import type { SyncStatus } from '../status/SyncStatus.js';
import type { Syncline } from '../createSyncline.js';

export type StatusSource = Pick<Syncline, 'subscribe' | 'getStatus'>;

interface StatusStore {
  subscribe(onChange: () => void): () => void;
  snapshot(): SyncStatus;
}

// One store per Syncline instance: useSyncExternalStore needs a snapshot that
// stays the same object between changes, and `getStatus()` builds a new one.
const stores = new WeakMap<StatusSource, StatusStore>();

function storeOf(sync: StatusSource): StatusStore {
  let store = stores.get(sync);
  if (!store) {
    let current = sync.getStatus();
    store = {
      subscribe: (onChange) =>
        sync.subscribe((s) => {
          if (s === current) return;
          current = s;
          onChange();
        }),
      snapshot: () => current,
    };
    stores.set(sync, store);
  }
  return store;
}

/** The sync status (connection, pending count, last error …); re-renders when it changes. */
export function useSyncStatus(sync: StatusSource): SyncStatus {
  const store = storeOf(sync);
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}
