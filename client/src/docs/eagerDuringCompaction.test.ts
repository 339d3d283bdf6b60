/**
 * openDoc's eager decision (docs/documents.md "Latency"): a local compaction
 * of `_docs` (every 20th store) is not an edit in flight, so the next edit is
 * still pushed at once while it runs.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import type { DocChange } from '@syncline/shared';
import { openDoc } from './openDoc.js';
import { synclineStores } from '../db/internalStores.js';
import { uniqueName, waitFor } from '../testing/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('eager pushes and local compaction', () => {
  it('an edit made while a compaction holds `_docs` is pushed eagerly', async () => {
    const db = new Dexie(uniqueName('eagercompact'));
    db.version(1).stores({ ...synclineStores });
    await db.open();
    const pushed: DocChange[] = [];
    let stores = 0;
    let holding = false;
    let go = false;
    let held: Promise<unknown> | undefined;
    const h = openDoc(db, 's1', 'note', {
      keep: 'accepted',
      clientId: 'ann',
      maxLocalRows: 1,
      pushNow: async (change) => {
        pushed.push(change);
        return true;
      },
      notify: () => {
        // The 20th store is followed by a compaction (rows > maxLocalRows): hold `_docs` before it starts.
        if (++stores === 20) {
          // A transaction stays open only while it has requests: keep asking.
          holding = true;
          held = db.transaction('rw', '_docs', async () => {
            while (!go) await db.table('_docs').get(-1);
          });
        }
      },
    });
    await h.whenLoaded;
    const text = h.doc.getText('t');
    for (let k = 0; k < 20; k++) {
      text.insert(text.length, `${k % 10}`);
      await waitFor(() => stores === k + 1, 5000, `store ${k + 1}`);
      await sleep(12); // past the burst gap: each edit is interactive
    }
    await waitFor(() => holding, 5000, 'compaction held');
    const before = pushed.length;
    text.insert(text.length, 'x');
    // Mutation: counting the compaction as a pending store (the old `finally`) leaves this edit to the outbox loop.
    await waitFor(() => pushed.length === before + 1, 2000, 'the edit pushed while the compaction waits');
    expect(stores).toBe(20);
    go = true;
    await held;
    await waitFor(() => stores === 21, 5000, 'the edit stored after the compaction');
    await h.destroy();
    expect(pushed.length).toBeGreaterThanOrEqual(15);
    db.close();
  });
});
