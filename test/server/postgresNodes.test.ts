/**
 * The server over mixed node kinds: an SQLite primary and a PostgreSQL
 * replica (schema per test), `sync` acks, push/pull round trip, and the two
 * nodes converge to the same digest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import pg from 'pg';
import type { PullReply, PushReply } from '@syncline/shared';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { ChangeMaker } from '../helpers/changes.js';
import { getJson } from '../helpers/http.js';
import { postgresUrl } from '../helpers/services.js';

const PG = postgresUrl('test');
const schema = `srv_${process.pid}_${Date.now() % 1e6}`;
let srv: SpawnedServer | undefined;

afterEach(async () => {
  await srv?.kill('SIGKILL');
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe('server over SQLite + PostgreSQL nodes', () => {
  it('acks sync writes on both and keeps them converged', async () => {
    const dir = tempDir();
    srv = await spawnServer({ args: ['--ack', 'sync', '--nodes', `sqlite:${join(dir, 'a.db')}#lite,${PG}?schema=${schema}#pg`] });
    const c = await connectClient(srv.url, { clientId: 'pgc' });
    const maker = new ChangeMaker('pgc');
    const changes = Array.from({ length: 30 }, (_, i) => maker.put('mix', `r${i}`, { i }));
    const reply = await request<PushReply>(c, 'push', { changes });
    expect(reply.results.every((r) => r.status === 'ok')).toBe(true);
    const pulled = await request<PullReply>(c, 'pull', { space: 'mix', limit: 1000 });
    expect(pulled.records.length).toBe(30);
    const status = await getJson<{ nodes: { id: string; state: string }[]; digests: Record<string, string> }>(
      `${srv.url}/status?digests=1`,
    );
    expect(status.body.nodes.map((n) => [n.id, n.state])).toEqual([
      ['lite', 'up'],
      ['pg', 'up'],
    ]);
    expect(status.body.digests.pg).toBe(status.body.digests.lite);
    c.close();
  });
});
