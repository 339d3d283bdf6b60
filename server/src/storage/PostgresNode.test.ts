import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failPoint, runStorageNodeConformance } from './conformance.js';
import { put, pullAll, yjs } from './conformance/fixtures.js';
import { createPgClient } from './pgDriver.js';
import { PostgresNode } from './PostgresNode.js';
import { createTestDatabase, type TestDatabase } from './testing/postgresTestDb.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

let schemas = 0;
const nextSchema = () => `node_${++schemas}`;

runStorageNodeConformance('PostgresNode', async () => {
  const schema = nextSchema();
  const fault = failPoint();
  const nodes = [new PostgresNode({ id: 'n1', connectionString: db.url, schema, beforeCommit: fault.hook })];
  return {
    node: nodes[0]!,
    failNextCommit: fault.arm,
    reopen: async () => {
      const node = new PostgresNode({ id: 'n1', connectionString: db.url, schema });
      nodes.push(node);
      return node;
    },
    cleanup: async () => {
      for (const n of nodes) await n.close();
    },
  };
});

describe('PostgresNode', () => {
  it('keeps seqs unique and gap-free when two servers write to the same node concurrently', async () => {
    const schema = nextSchema();
    const a = await PostgresNode.open({ id: 'n1', connectionString: db.url, schema });
    const b = await PostgresNode.open({ id: 'n1', connectionString: db.url, schema });
    try {
      const write = (node: PostgresNode, client: string) =>
        Promise.all(Array.from({ length: 20 }, (_, i) => node.applyBatch([put(`${client}-${i}`, 1, { i }), yjs(`${client}-doc`, [i])])));
      await Promise.all([write(a, 'a'), write(b, 'b')]);
      const all = await pullAll(a, 's', 7);
      const seqs = [...all.records, ...all.docs].map((r) => r.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
      expect(await a.opCount()).toBe(80);
      const log = await b.readOpLog(0, 1000);
      expect(log.ops.map((o) => o.logSeq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
      expect(await a.digest()).toBe(await b.digest());
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails a write in bounded time while another connection holds the node lock', async () => {
    const schema = nextSchema();
    const node = await PostgresNode.open({ id: 'n1', connectionString: db.url, schema, queryTimeoutMs: 500 });
    const holder = await createPgClient({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`syncline:${schema}`]);
      const started = Date.now();
      await expect(node.applyBatch([put('a', 1, { x: 1 })])).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
      expect(Date.now() - started).toBeLessThan(3000);
      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [`syncline:${schema}`]);
      // The node recovers and nothing of the failed write was applied.
      expect(await node.opCount()).toBe(0);
      await node.applyBatch([put('a', 1, { x: 1 })]);
      expect(await node.opCount()).toBe(1);
    } finally {
      await holder.end();
      await node.close();
    }
  });

  it('notices a server that accepts connections but never answers within the connect timeout', async () => {
    const sockets: Socket[] = [];
    const blackhole: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as { port: number }).port;
    try {
      const node = new PostgresNode({
        id: 'n9',
        connectionString: `postgres://postgres@127.0.0.1:${port}/x`,
        connectTimeoutMs: 500,
      });
      const started = Date.now();
      await expect(node.open()).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
      expect(Date.now() - started).toBeLessThan(3000);
      await expect(node.ping()).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });

  it('creates its tables with a schema_version row, idempotently', async () => {
    const schema = nextSchema();
    const n = await PostgresNode.open({ id: 'n1', connectionString: db.url, schema });
    await n.close();
    await (await PostgresNode.open({ id: 'n1', connectionString: db.url, schema })).close();
    const c = await createPgClient({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT version FROM ${schema}.schema_version`);
      expect(rows).toEqual([{ version: 1 }]);
    } finally {
      await c.end();
    }
    expect(() => new PostgresNode({ id: 'x', connectionString: db.url, schema: 'bad"name' })).toThrow(/schema/);
  });
});
