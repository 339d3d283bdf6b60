/**
 * Storage nodes from the specs users type in `--nodes` (DESIGN §6):
 *
 *   sqlite:PATH                      a SQLite file (relative to the cwd)
 *   postgres://USER@HOST:PORT/DB     a PostgreSQL database (also postgresql://);
 *                                    `?schema=NAME` picks the schema (default syncline)
 *
 * Ids are `n1`, `n2`, … by position in the list unless the spec ends with
 * `#ID` (letters, digits, `_ . -`), e.g. `sqlite:data/a.db#primary`. Ids name
 * nodes in cursors and metrics, so give explicit ids if the list may be
 * reordered. A `#` anywhere is read as the id suffix: paths or URLs with a
 * literal `#` must percent-encode it (URLs) or avoid it (paths).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { StorageNode } from './StorageNode.js';
import { PostgresNode } from './PostgresNode.js';
import { quoteSchema } from './postgresSchema.js';
import { SqliteNode } from './SqliteNode.js';
import { SqliteWorkerNode } from './SqliteWorkerNode.js';

export type NodeSpec =
  { kind: 'sqlite'; id: string; path: string } | { kind: 'postgres'; id: string; connectionString: string; schema?: string };

export class NodeSpecError extends Error {
  override name = 'NodeSpecError';
}

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const FORMS = 'expected sqlite:PATH or postgres://USER@HOST:PORT/DB, optionally followed by #ID';

export function parseNodeSpec(spec: string, index: number): NodeSpec {
  const where = `node spec #${index + 1} "${spec}"`;
  const fail = (why: string) => new NodeSpecError(`invalid ${where}: ${why}`);
  let body = spec.trim();
  let id = `n${index + 1}`;
  const hash = body.lastIndexOf('#');
  if (hash >= 0) {
    id = body.slice(hash + 1);
    body = body.slice(0, hash);
    if (!ID.test(id)) throw fail(`id "${id}" must be 1-64 letters, digits, "_", "." or "-"`);
  }
  if (body.startsWith('sqlite:')) {
    const path = body.slice('sqlite:'.length);
    if (path.startsWith('//')) throw fail('write sqlite:PATH (e.g. sqlite:data/n1.db or sqlite:/var/lib/n1.db), not a URL');
    if (path === '') throw fail('the SQLite path is empty');
    if (path === ':memory:') throw fail('an in-memory SQLite database is not durable; give a file path');
    return { kind: 'sqlite', id, path: resolve(path) };
  }
  if (body.startsWith('postgres://') || body.startsWith('postgresql://')) {
    let url: URL;
    try {
      url = new URL(body);
    } catch {
      throw fail('not a valid URL');
    }
    if (url.pathname === '' || url.pathname === '/') throw fail('the URL names no database (postgres://HOST/DB)');
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    if (schema !== undefined) {
      try {
        quoteSchema(schema);
      } catch (err) {
        throw fail((err as Error).message);
      }
    }
    const out: NodeSpec = { kind: 'postgres', id, connectionString: url.toString() };
    if (schema !== undefined) out.schema = schema;
    return out;
  }
  throw fail(FORMS);
}

/** Parses a whole `--nodes` list; ids and storage targets must be distinct. */
export function parseNodeSpecs(specs: string[] | string): NodeSpec[] {
  const list = typeof specs === 'string' ? specs.split(',').filter((s) => s.trim() !== '') : specs;
  if (list.length === 0) throw new NodeSpecError(`no storage nodes given; ${FORMS}`);
  const parsed = list.map((s, i) => parseNodeSpec(s, i));
  const ids = new Set<string>();
  const targets = new Set<string>();
  for (const p of parsed) {
    if (ids.has(p.id)) throw new NodeSpecError(`duplicate node id "${p.id}" in the node list`);
    ids.add(p.id);
    const target = p.kind === 'sqlite' ? p.path : `${p.connectionString} schema=${p.schema ?? 'syncline'}`;
    if (targets.has(target)) throw new NodeSpecError(`node "${p.id}" uses the same storage as another node (${target})`);
    targets.add(target);
  }
  return parsed;
}

/**
 * Whether SQLite nodes run on worker threads: SYNCLINE_SQLITE_THREADS=on|off,
 * default `auto` = on with 4 or more cores. Threads overlap the nodes'
 * commits and take their work off the main thread, but cost more CPU in all
 * (each thread plans its batches itself, messages are copied): on 2 cores
 * shared with the clients that CPU is what runs out first, and measured
 * throughput was lower with threads (BENCHMARKS.md, docs/storage.md).
 */
export function sqliteThreads(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.SYNCLINE_SQLITE_THREADS ?? 'auto').toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  if (v !== 'auto') throw new NodeSpecError(`SYNCLINE_SQLITE_THREADS must be on, off or auto, got "${v}"`);
  return availableParallelism() >= 4;
}

/** A (not yet opened) node for a spec; call `open()` on it. SQLite nodes run on worker threads per `sqliteThreads()`. */
export function createNode(spec: string | NodeSpec, index = 0): StorageNode {
  const s = typeof spec === 'string' ? parseNodeSpec(spec, index) : spec;
  if (s.kind === 'sqlite') {
    if (sqliteThreads()) return new SqliteWorkerNode({ id: s.id, path: s.path });
    return new SqliteNode({ id: s.id, path: s.path });
  }
  return new PostgresNode({ id: s.id, connectionString: s.connectionString, schema: s.schema });
}
