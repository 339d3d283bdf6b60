import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { appendServerDocs } from './appendServerDocs.js';
import { docsTable, toBytes } from './docRows.js';
import { openApp, uniqueName } from '../testing/harness.js';
import { MemoryNetwork } from '../engine/MemoryTransport.js';

/** One 64 KiB "frame" holding two 3-byte updates, as a WebSocket message decoded in Node hands them out. */
function framed(): { frame: Buffer; a: Buffer; b: Buffer } {
  const frame = Buffer.alloc(64 * 1024);
  frame.set([1, 2, 3], 100);
  frame.set([4, 5, 6], 200);
  return { frame, a: frame.subarray(100, 103), b: frame.subarray(200, 203) };
}

describe('document update bytes', () => {
  it('toBytes copies a view into a larger buffer and keeps a whole one as it is', () => {
    const { a } = framed();
    const bytes = toBytes(a);
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(bytes.constructor).toBe(Uint8Array);
    expect(bytes.buffer.byteLength).toBe(3);
    const whole = new Uint8Array([7, 8]);
    expect(toBytes(whole)).toBe(whole);
    expect([...toBytes(whole.buffer)]).toEqual([7, 8]);
    expect(() => toBytes('nope')).toThrow(TypeError);
  });

  it('stores a pulled update as its own bytes, not the frame it arrived in', async () => {
    const { db, sync } = openApp(uniqueName('docbytes'), { servers: ['mem://nowhere'], transport: new MemoryNetwork().transport });
    await db.open();
    const { a, b } = framed();
    await db.transaction('rw', docsTable(db), () =>
      appendServerDocs(db, [
        { space: 's', doc: 'd', update: a, seq: 1 },
        { space: 's', doc: 'd', update: b, seq: 2 },
      ]),
    );
    const rows = await docsTable(db).toArray();
    expect(rows.map((r) => [...r.update])).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // A stored view would keep (and have cloned) the whole 64 KiB frame per row.
    for (const r of rows) expect(r.update.buffer.byteLength).toBe(3);
    await sync.close();
    db.close();
  });
});
