/**
 * HTTP writes with an Idempotency-Key are applied once (G1) across two real
 * server processes sharing three SQLite nodes, with a SIGKILL of the first
 * while writes to it are in flight: every write is then retried with its
 * key by SynclineAdmin, whose first URL is the dead server. Checked against
 * a model (each record = its one PUT body, plus a later PATCH that a
 * re-sent PUT must not undo), the nodes' op logs (each op id once, no op
 * under any other id) and equal node digests.
 *
 * Mutation checked: making writeRecord use a fresh random op id instead of
 * the key (`${conn.clientId}:${randomUUID()}`) — failed at once: a retry
 * answered a new stamp from B instead of the one A stored.
 */
import { afterEach, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SynclineAdmin, type WriteAnswer } from '@syncline/server/admin';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { getJson } from '../helpers/http.js';

const N = 40;
const live: SpawnedServer[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((s) => s.kill('SIGKILL')));
});

function opIds(dataDir: string, node: number): string[] {
  const db = new Database(`${dataDir}/node${node}.db`, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT op_id FROM ops').all() as { op_id: string }[]).map((r) => r.op_id);
  } finally {
    db.close();
  }
}

it('same Idempotency-Key, two servers, a SIGKILL in between: applied once', async () => {
  const dataDir = tempDir('syncline-idem-');
  const a = await spawnServer({ dataDir, args: ['--ack', 'sync', '--server-id', 'A'] });
  const b = await spawnServer({ dataDir, args: ['--ack', 'sync', '--server-id', 'B'] });
  live.push(a, b);
  const body = (i: number) => ({ title: `card ${i}`, n: i });
  const put = (url: string, i: number) =>
    fetch(`${url}/v1/spaces/idem/records/cards/r${i}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'idempotency-key': `k${i}` },
      body: JSON.stringify(body(i)),
    })
      .then(async (res) => (await res.json()) as WriteAnswer)
      .catch(() => undefined);

  // Writes in flight to A when it dies: some answered ok, some never answered.
  const first: Promise<WriteAnswer | undefined>[] = [];
  for (let i = 0; i < N / 2; i++) first.push(put(a.url, i));
  await Promise.all(first);
  for (let i = N / 2; i < N; i++) first.push(put(a.url, i));
  await Promise.race(first.slice(N / 2));
  await a.kill('SIGKILL');
  const fromA = await Promise.all(first);
  const okOnA = fromA.filter((r) => r?.status === 'ok').length;

  const admin = new SynclineAdmin({ urls: [a.url, b.url], backoffMs: 20 });
  const retried = await Promise.all(Array.from({ length: N }, (_, i) => admin.put('idem', 'cards', `r${i}`, body(i), { key: `k${i}` })));
  expect(retried.every((r) => r.status === 'ok')).toBe(true);
  fromA.forEach((r, i) => {
    // The retry answers the original outcome: the stamp the first write was stored under.
    if (r?.status === 'ok') expect(retried[i]!.hlc).toBe(r.hlc);
  });

  // A later PATCH wins over a re-sent PUT of the same key (which must not apply again).
  await admin.patch('idem', 'cards', 'r0', { title: 'patched' }, { key: 'patch-r0' });
  const again = await admin.put('idem', 'cards', 'r0', body(0), { key: 'k0' });
  expect(again.hlc).toBe(retried[0]!.hlc);

  const model = new Map(Array.from({ length: N }, (_, i) => [`r${i}`, body(i)]));
  model.set('r0', { title: 'patched', n: 0 });
  for (let i = 0; i < N; i++) expect((await admin.get('idem', 'cards', `r${i}`))?.record).toEqual(model.get(`r${i}`));

  const status = await getJson<{ digests: Record<string, string> }>(`${b.url}/status?digests=1`);
  expect(new Set(Object.values(status.body.digests)).size).toBe(1);
  await b.stop();
  const want = [
    ...Array.from({ length: N }, (_, i) => [`http:anonymous:k${i}`, `http:anonymous:k${i}#replace`]).flat(),
    'http:anonymous:patch-r0',
  ].sort();
  for (const node of [1, 2, 3]) expect(opIds(dataDir, node).sort()).toEqual(want);
  console.log(`idempotency: ${okOnA}/${N} writes answered ok by A before its SIGKILL; all ${N} retried through B`);
}, 120_000);
