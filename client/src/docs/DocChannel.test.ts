import { describe, expect, it } from 'vitest';
import { DocChannel, type DocMessage } from './DocChannel.js';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DocChannel', () => {
  it('delivers to channels of the same thread in a microtask, once (the BroadcastChannel copy is dropped)', async () => {
    const name = `dc-${Math.random()}`;
    const a = new DocChannel(name);
    const b = new DocChannel(name);
    const got: DocMessage[] = [];
    const own: DocMessage[] = [];
    b.on((m) => got.push(m));
    a.on((m) => own.push(m));
    const update = new Uint8Array([1, 2, 3]);
    a.post({ type: 'update', space: 's', doc: 'd', update });
    await Promise.resolve();
    // Before any task ran: no BroadcastChannel delivery could have happened yet.
    expect(got.map((m) => m.type)).toEqual(['update']);
    await later(50);
    expect(got.length).toBe(1);
    expect(own.length).toBe(0); // never to the sender itself
    a.close();
    b.close();
  });

  it('still delivers messages from other threads (the BroadcastChannel, untagged) and nothing after close', async () => {
    const name = `dc-${Math.random()}`;
    const b = new DocChannel(name);
    const got: DocMessage[] = [];
    b.on((m) => got.push(m));
    const foreign = new BroadcastChannel(`syncline-docs:${name}`);
    foreign.postMessage({ type: 'docs', space: 's', doc: 'd' } satisfies DocMessage);
    await later(50);
    expect(got.map((m) => m.type)).toEqual(['docs']);
    const c = new DocChannel(name);
    b.close();
    c.post({ type: 'docs', space: 's', doc: 'd' });
    await later(50);
    expect(got.length).toBe(1);
    foreign.close();
    c.close();
  });
});
