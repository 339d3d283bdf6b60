import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../engine/MemoryTransport.js';
import { openApp, uniqueName } from '../testing/harness.js';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('openDoc write coalescing', () => {
  it('merges edits made while a write waits for the database into one row and one op, and loses none', async () => {
    const name = uniqueName('coalesce');
    const a = openApp(name, { servers: ['mem://nowhere'], transport: new MemoryNetwork().transport, clientId: 'a' });
    const h = a.sync.doc('s1', 'note');
    await h.whenLoaded;
    // Hold a write transaction on _meta: the doc's write (which needs _meta for its op id) waits behind it.
    let release = false;
    const blocker = a.db.transaction('rw', '_meta', async () => {
      while (!release) await a.db.table('_meta').get('nothing');
    });
    const text = h.doc.getText('t');
    for (let k = 0; k < 10; k++) {
      text.insert(text.length, `${k}`);
      await tick(); // each edit in its own tick: without coalescing, one row per edit
    }
    release = true;
    await blocker;
    await h.destroy();
    const outbox = await a.db.table('_outbox').toArray();
    // The first tick's write was already waiting; the other nine merge into the next one.
    expect(outbox.length).toBe(2);
    expect(new Set(outbox.map((r) => r.opId)).size).toBe(2);
    expect((await a.db.table('_docs').toArray()).filter((r) => r.origin === 'local').length).toBe(2);
    await a.sync.close();
    a.db.close();

    const again = openApp(name, { servers: ['mem://nowhere'], transport: new MemoryNetwork().transport });
    const h2 = again.sync.doc('s1', 'note');
    await h2.whenLoaded;
    expect(h2.doc.getText('t').toString()).toBe('0123456789');
    await h2.destroy();
    await again.sync.close();
  });
});
