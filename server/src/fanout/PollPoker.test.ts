import { describe, expect, it } from 'vitest';
import { PollPoker } from './PollPoker.js';

/** A fake replicator over per-space change counts; cursors are `n:<seq>`. */
function fakeLog() {
  const seqs = new Map<string, number>();
  return {
    add(space: string) {
      seqs.set(space, (seqs.get(space) ?? 0) + 1);
    },
    replicator: {
      async pull(space: string, cursor: string | null | undefined, limit: number) {
        const after = cursor ? Number(cursor.split(':')[1]) : 0;
        const top = seqs.get(space) ?? 0;
        const last = Math.min(top, after + limit);
        const records = Array.from({ length: last - after }, (_, i) => ({
          space,
          table: 't',
          id: String(after + i),
          state: { fields: {} },
          seq: after + i + 1,
        }));
        return { records, docs: [], cursor: `n:${last}`, hasMore: last < top };
      },
    },
  };
}

describe('PollPoker', () => {
  it('pokes a watched space only when it advanced past the known tip', async () => {
    const log = fakeLog();
    for (let i = 0; i < 5; i++) log.add('a');
    const poked: string[] = [];
    const spaces = new Set(['a', 'b']);
    const p = new PollPoker({ replicator: log.replicator, spaces: () => spaces, poke: (s) => poked.push(s), intervalMs: 0, pageSize: 2 });
    await p.tick(); // learns tips; existing changes are not news
    await p.tick();
    expect(poked).toEqual([]);
    log.add('b');
    log.add('a');
    log.add('a');
    await p.tick();
    expect(poked.sort()).toEqual(['a', 'b']);
    await p.tick();
    expect(poked.length).toBe(2);
    spaces.delete('a');
    log.add('a');
    await p.tick();
    expect(poked.length).toBe(2);
  });
});
