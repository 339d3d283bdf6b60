import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { Hlc, changeToState, type ChangesMessage, type RecordRow } from '@syncline/shared';
import { synclineStores, META } from '../db/internalStores.js';
import { MetaKeys } from '../db/meta.js';
import { LiveReceiver } from './LiveReceiver.js';
import { uniqueName, waitFor } from '../testing/harness.js';

const clock = new Hlc('srv');
function row(id: string, seq: number, title: string): RecordRow {
  const state = changeToState({ kind: 'put', opId: `w:${seq}`, space: 's', table: 'cards', id, hlc: clock.now(), fields: { title } });
  return { space: 's', table: 'cards', id, state, seq };
}
const msg = (fromSeq: number, toSeq: number, records: RecordRow[], node = 'n1'): ChangesMessage => ({
  space: 's',
  node,
  fromSeq,
  toSeq,
  records,
});

async function setup() {
  const db = new Dexie(uniqueName('live'));
  db.version(1).stores({ cards: 'id', ...synclineStores });
  await db.open();
  await db.table(META).put({ key: MetaKeys.cursor('s'), value: 'n1:0' });
  const pulls: string[] = [];
  const rx = new LiveReceiver(db, { clientId: 'me', tables: ['cards'], requestPull: (s) => pulls.push(s) });
  const cursor = async () => (await db.table(META).get(MetaKeys.cursor('s')))?.value as string;
  const idle = () => rx.exclusive('s', async () => undefined);
  return { db, rx, pulls, cursor, idle };
}

describe('LiveReceiver', () => {
  // Mutation check: making drain() write `m.toSeq` as the cursor regardless of the HighWaterCursor fails this test.
  it('applies rows at once and never moves the cursor past a seq it has not applied', async () => {
    const { db, rx, pulls, cursor, idle } = await setup();
    rx.offer(msg(0, 2, [row('a', 1, 'A'), row('b', 2, 'B')]));
    await idle();
    expect(await db.table('cards').get('a')).toMatchObject({ title: 'A' });
    expect(await cursor()).toBe('n1:2');
    // (2,4] is lost; (4,6] arrives: its rows are applied, the cursor waits at 2 and a pull is asked for.
    rx.offer(msg(4, 6, [row('d', 6, 'D')]));
    await idle();
    expect(await db.table('cards').get('d')).toMatchObject({ title: 'D' });
    expect(await cursor()).toBe('n1:2');
    expect(pulls).toEqual(['s']);
    // The pull (the correctness path) brings (2,4] and stores its cursor; the held range (4,6] follows.
    await rx.exclusive('s', async () => {
      await db.table(META).put({ key: MetaKeys.cursor('s'), value: 'n1:4' });
      rx.pulled('s', 'n1:4');
    });
    rx.offer(msg(6, 7, [row('e', 7, 'E')]));
    await idle();
    expect(await cursor()).toBe('n1:7');
  });

  it('a row delivered twice (broadcast and pull) is applied once: the state is the same', async () => {
    const { db, rx, idle } = await setup();
    const r = row('a', 1, 'once');
    rx.offer(msg(0, 1, [r]));
    await idle();
    const first = await db.table('_state').get(['cards', 'a']);
    rx.offer(msg(0, 1, [r]));
    rx.offer(msg(0, 1, [r]));
    await idle();
    expect(await db.table('_state').get(['cards', 'a'])).toEqual(first);
  });

  it('coalesces messages that arrive while an apply runs, and pulls instead past its bound', async () => {
    const { db, rx, pulls, cursor, idle } = await setup();
    for (let i = 1; i <= 50; i++) rx.offer(msg(i - 1, i, [row(`c${i}`, i, `t${i}`)]));
    await idle();
    await waitFor(async () => (await cursor()) === 'n1:50', 5000, 'cursor at 50');
    expect(await db.table('cards').count()).toBe(50);
    expect(rx.stats.coalesced).toBeGreaterThan(0);
    const small = new LiveReceiver(db, { clientId: 'me', tables: ['cards'], requestPull: (s) => pulls.push(`overflow:${s}`), maxRows: 3 });
    await small.exclusive('s', async () => {
      // While this "pull" holds the space, the queue overflows.
      for (let i = 51; i <= 55; i++) small.offer(msg(i - 1, i, [row(`c${i}`, i, 'x')]));
    });
    expect(pulls).toContain('overflow:s');
    expect(small.stats.overflows).toBe(1);
  });

  it('ignores ranges of another node (failover) and asks for a pull', async () => {
    const { rx, pulls, cursor, idle } = await setup();
    rx.offer(msg(0, 3, [row('z', 3, 'Z')], 'n2'));
    await idle();
    expect(await cursor()).toBe('n1:0');
    expect(pulls).toEqual(['s']);
  });
});
