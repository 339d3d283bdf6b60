import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNode, NodeSpecError, parseNodeSpec, parseNodeSpecs, sqliteThreads } from './createNode.js';
import { PostgresNode } from './PostgresNode.js';
import { SqliteWorkerNode } from './SqliteWorkerNode.js';

describe('parseNodeSpec', () => {
  it('parses sqlite specs with positional or explicit ids', () => {
    expect(parseNodeSpec('sqlite:data/a.db', 0)).toEqual({ kind: 'sqlite', id: 'n1', path: resolve('data/a.db') });
    expect(parseNodeSpec(' sqlite:/tmp/b.db ', 2)).toEqual({ kind: 'sqlite', id: 'n3', path: '/tmp/b.db' });
    expect(parseNodeSpec('sqlite:/tmp/b.db#primary', 2)).toEqual({ kind: 'sqlite', id: 'primary', path: '/tmp/b.db' });
  });

  it('parses postgres URLs, taking the schema parameter out of the connection string', () => {
    expect(parseNodeSpec('postgres://postgres@127.0.0.1:5432/app', 1)).toEqual({
      kind: 'postgres',
      id: 'n2',
      connectionString: 'postgres://postgres@127.0.0.1:5432/app',
    });
    expect(parseNodeSpec('postgresql://u:p%23w@db.local/app?schema=node_b&sslmode=disable#b', 0)).toEqual({
      kind: 'postgres',
      id: 'b',
      schema: 'node_b',
      connectionString: 'postgresql://u:p%23w@db.local/app?sslmode=disable',
    });
  });

  it.each([
    ['', /expected sqlite:PATH/],
    ['mysql://x/y', /expected sqlite:PATH/],
    ['sqlite:', /path is empty/],
    ['sqlite::memory:', /not durable/],
    ['sqlite://tmp/a.db', /not a URL/],
    ['sqlite:a.db#', /id ""/],
    ['sqlite:a.db#bad id', /id "bad id"/],
    ['postgres://', /not a valid URL|no database/],
    ['postgres://host', /no database/],
    ['postgres://host/db?schema=a-b', /schema/],
  ])('rejects %j with a clear error', (spec, message) => {
    expect(() => parseNodeSpec(spec, 0)).toThrow(NodeSpecError);
    expect(() => parseNodeSpec(spec, 0)).toThrow(message);
  });

  it('checks a whole list for duplicate ids and shared storage', () => {
    expect(parseNodeSpecs('sqlite:/tmp/a.db,sqlite:/tmp/b.db').map((s) => s.id)).toEqual(['n1', 'n2']);
    expect(() => parseNodeSpecs('sqlite:/tmp/a.db#x,sqlite:/tmp/b.db#x')).toThrow(/duplicate node id "x"/);
    expect(() => parseNodeSpecs(['sqlite:/tmp/a.db', 'sqlite:/tmp/a.db'])).toThrow(/same storage/);
    expect(() => parseNodeSpecs('')).toThrow(/no storage nodes/);
  });
});

describe('createNode', () => {
  it('creates a working SQLite node (on a worker thread) and a PostgresNode from specs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncline-create-'));
    try {
      process.env.SYNCLINE_SQLITE_THREADS = 'on';
      const node = createNode(`sqlite:${join(dir, 'x.db')}`, 4);
      delete process.env.SYNCLINE_SQLITE_THREADS;
      expect(node).toBeInstanceOf(SqliteWorkerNode);
      expect(node.id).toBe('n5');
      await node.open();
      await node.setMeta('k', 'v');
      expect(await node.getMeta('k')).toBe('v');
      await node.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const pgNode = createNode('postgres://postgres@127.0.0.1/x?schema=s1#pg');
    expect(pgNode).toBeInstanceOf(PostgresNode);
    expect(pgNode.id).toBe('pg');
    expect((pgNode as PostgresNode).schema).toBe('s1');
  });
});

describe('sqliteThreads', () => {
  it('reads SYNCLINE_SQLITE_THREADS: on, off, auto (4+ cores), and refuses anything else', () => {
    expect(sqliteThreads({ SYNCLINE_SQLITE_THREADS: 'on' })).toBe(true);
    expect(sqliteThreads({ SYNCLINE_SQLITE_THREADS: 'OFF' })).toBe(false);
    expect(sqliteThreads({})).toBe(availableParallelism() >= 4);
    expect(() => sqliteThreads({ SYNCLINE_SQLITE_THREADS: 'yes' })).toThrow(/on, off or auto/);
  });
});
