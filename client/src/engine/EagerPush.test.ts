import { describe, expect, it } from 'vitest';
import type { Change, PushReply } from '@syncline/shared';
import type { OutboxRow } from '../db/rows.js';
import { EagerPush } from './EagerPush.js';

const change = (n: number): Change => ({ kind: 'yjs', opId: `c:${n}`, space: 's', doc: 'd', update: new Uint8Array([n]) });
const row = (n: number): OutboxRow => ({
  seq: n,
  opId: `c:${n}`,
  kind: 'yjs',
  space: 's',
  table: '_docs',
  id: 'd',
  hlc: '',
  status: 'pending',
  keep: 'accepted',
  createdAt: 0,
  attempts: 0,
});

function harness(maxInFlight = 8) {
  const replies = new Map<string, { resolve(r: PushReply): void; reject(e: Error): void }>();
  let settled = 0;
  const eager = new EagerPush({
    send: (c) => new Promise<PushReply>((resolve, reject) => replies.set(c.opId, { resolve, reject })),
    settled: () => void settled++,
    maxInFlight,
  });
  return { eager, replies, settled: () => settled };
}

describe('EagerPush', () => {
  it('keeps rows in flight out of the loop, hands answered ones over with their reply, leaves the rest to be sent', async () => {
    const { eager, replies, settled } = harness();
    const sent = [1, 2, 3].map((n) => eager.offer(change(n), undefined));
    // Mutation: partition without the in-flight check sends 1–3 again (send has 4 rows) and this fails.
    expect(eager.partition([row(1), row(2), row(3), row(4)])).toEqual({ send: [row(4)], answered: [] });
    replies.get('c:1')!.resolve({ ack: 'semi-sync', results: [{ opId: 'c:1', status: 'ok', hlc: 'h' } as never] });
    replies.get('c:2')!.resolve({ ack: 'semi-sync', results: [{ opId: 'c:2', status: 'indeterminate' }] });
    replies.get('c:3')!.reject(new Error('connection lost'));
    expect(await Promise.all(sent)).toEqual([true, true, true]);
    expect(settled()).toBe(3);
    const p = eager.partition([row(1), row(2), row(3)]);
    // Only the `ok` reply counts as answered; the indeterminate and the failed one go out again.
    expect(p.send.map((r) => r.opId)).toEqual(['c:2', 'c:3']);
    expect(p.answered).toEqual([{ rows: [row(1)], results: [{ opId: 'c:1', status: 'ok', hlc: 'h' }], ack: 'semi-sync' }]);
    // An answer is applied once.
    expect(eager.partition([row(1)]).send).toEqual([row(1)]);
  });

  it('refuses past its limit without sending, so the edit takes the outbox path', async () => {
    const { eager, replies } = harness(2);
    void eager.offer(change(1), undefined);
    void eager.offer(change(2), undefined);
    expect(await eager.offer(change(3), undefined)).toBe(false);
    expect(replies.size).toBe(2);
    expect(eager.partition([row(3)]).send).toEqual([row(3)]);
  });
});
