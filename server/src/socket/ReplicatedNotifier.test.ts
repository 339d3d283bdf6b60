import { describe, expect, it } from 'vitest';
import type { Server } from 'socket.io';
import { ReplicatedNotifier } from './ReplicatedNotifier.js';

function fakeIo() {
  const sent: [string, string[]][] = [];
  const sockets = new Map(['a', 'b'].map((id) => [id, { emit: (_e: string, m: { opIds: string[] }) => sent.push([id, m.opIds]) }]));
  return { io: { of: () => ({ sockets }) } as unknown as Server, sent };
}

describe('ReplicatedNotifier', () => {
  it('notifies the pushing socket, never before the ack', () => {
    const { io, sent } = fakeIo();
    const n = new ReplicatedNotifier(io);
    n.track('a', ['x:1', 'x:2', 'x:3']);
    n.onReplicated(['x:1']); // replicated before the reply went out: held back
    expect(sent).toEqual([]);
    n.acked(['x:1', 'x:2', 'x:3'], new Set(['x:1', 'x:2'])); // x:3 was not ok: forgotten
    expect(sent).toEqual([['a', ['x:1']]]);
    n.onReplicated(['x:2', 'x:3', 'other:1']);
    expect(sent).toEqual([
      ['a', ['x:1']],
      ['a', ['x:2']],
    ]);
    expect(n.size).toBe(0);
  });

  it('forgets a disconnected socket and bounds what it tracks', () => {
    const { io, sent } = fakeIo();
    const n = new ReplicatedNotifier(io, 2);
    n.track('b', ['y:1']);
    n.forgetSocket('b');
    n.track('a', ['z:1', 'z:2', 'z:3']);
    expect(n.size).toBe(2);
    n.acked(['z:1', 'z:2', 'z:3'], new Set(['z:1', 'z:2', 'z:3']));
    n.onReplicated(['y:1', 'z:1', 'z:2', 'z:3']);
    expect(sent).toEqual([['a', ['z:2', 'z:3']]]);
  });
});
