import { describe, expect, it } from 'vitest';
import { PullQueues } from './PullQueues.js';

describe('PullQueues', () => {
  it('pulls urgent documents (just opened, or missing an update) before the others, each once', () => {
    let woken = 0;
    const q = new PullQueues(() => woken++);
    for (const d of ['a', 'b', 'c']) q.addDoc('s', d);
    q.requestDoc('s', 'a'); // a persist pull
    q.requestDoc('s', 'b', true); // a gap
    q.requestDoc('s', 'c'); // persist pull, then a gap: one pull serves both
    q.requestDoc('s', 'c', true);
    q.requestDoc('s', 'unknown', true); // not open: ignored
    expect(woken).toBe(4);
    // Only urgent ones when asked for urgent ones (the scheduler asks before pushing).
    expect(q.takeDoc(true)).toEqual({ space: 's', doc: 'b' });
    expect(q.takeDoc(true)).toEqual({ space: 's', doc: 'c' });
    expect(q.takeDoc(true)).toBeUndefined();
    expect(q.takeDoc()).toEqual({ space: 's', doc: 'a' });
    expect(q.takeDoc()).toBeUndefined();
  });

  it('queues a just-subscribed document as urgent when asked', () => {
    const q = new PullQueues(() => {});
    const ref = q.addDoc('s', 'd')!;
    q.queueDoc(ref, true);
    expect(q.takeDoc(true)).toEqual(ref);
    expect(q.takeDoc()).toBeUndefined();
  });
});
