/**
 * StorageNode on PostgreSQL (pg), for deployments. Same semantics as
 * SqliteNode (both run `planBatch`); tables live in one schema per node.
 *
 * Writers are serialized per node with `pg_advisory_xact_lock` (keyed by the
 * schema), taken first in every write transaction, and the seq is read and
 * advanced under it: seqs are gap-free in commit order even with several
 * servers writing to the same node, and a reader never sees seq N+1 before N.
 *
 * Timeouts: connecting (`connectTimeoutMs`), each query on the client side
 * (`queryTimeoutMs`) and each statement on the server (same value) are
 * bounded, so a dead or hung server is noticed in a few seconds rather than
 * at the TCP timeout.
 */
import type pg from 'pg';
import { recordKey, SyncError, type PullOnly } from '@syncline/shared';
import type { ApplyOutcome, DocToCompact, OpIdPage, OpLogPage, PullPage, StorageNode, StoredOp } from './StorageNode.js';
import { YJS_OP_PREFIX, computeDigest } from './digest.js';
import { decodeOp, toBuffer, validateOp } from './opCodec.js';
import { planBatch } from './planBatch.js';
import { createPgPool } from './pgDriver.js';
import { migratePostgres, quoteSchema } from './postgresSchema.js';
import { checkPullArgs, pullScope, toPullPage } from './pullPage.js';
import { parseState } from './stateCodec.js';
import { storageError } from './storageError.js';

export interface PostgresNodeOptions {
  id: string;
  connectionString: string;
  /** Schema holding this node's tables (default `syncline`). */
  schema?: string;
  connectTimeoutMs?: number;
  /** Client-side query timeout and server-side statement_timeout (default 5000 ms). */
  queryTimeoutMs?: number;
  poolSize?: number;
  /**
   * Fault injection for tests: called inside the write transaction after a
   * batch's rows are written, before COMMIT. Throwing aborts the batch.
   */
  beforeCommit?: () => void;
}

type Client = pg.PoolClient;

export class PostgresNode implements StorageNode {
  readonly id: string;
  readonly schema: string;
  private readonly s: string;
  private readonly opts: PostgresNodeOptions;
  private pool: pg.Pool | undefined;
  private opening: Promise<void> | undefined;

  constructor(opts: PostgresNodeOptions) {
    this.id = opts.id;
    this.schema = opts.schema ?? 'syncline';
    this.s = quoteSchema(this.schema);
    this.opts = opts;
  }

  static async open(opts: PostgresNodeOptions): Promise<PostgresNode> {
    const node = new PostgresNode(opts);
    await node.open();
    return node;
  }

  async open(): Promise<void> {
    if (this.pool) return;
    this.opening ??= this.doOpen().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    const timeout = this.opts.queryTimeoutMs ?? 5000;
    const pool = await createPgPool({
      connectionString: this.opts.connectionString,
      max: this.opts.poolSize ?? 4,
      connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 3000,
      query_timeout: timeout,
      statement_timeout: timeout,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
    // An idle client losing its server emits 'error' on the pool; unhandled it
    // would crash the process. The next call fails and reports it instead.
    pool.on('error', () => {});
    // A checked-out client whose server dies mid-query emits 'error' on the
    // client itself, not the pool; without a listener Node exits. The query
    // in flight rejects and reports it.
    pool.on('connect', (client) => client.on('error', () => {}));
    try {
      await this.tx(pool, (c) => migratePostgres(c, this.schema));
    } catch (err) {
      await pool.end().catch(() => {});
      throw storageError(this.id, err);
    }
    this.pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async applyBatch(ops: StoredOp[]): Promise<ApplyOutcome[]> {
    const pool = this.ready();
    if (ops.length === 0) return [];
    return this.tx(pool, async (c) => {
      ops.forEach((op, i) => validateOp(op, i));
      const s = this.s;
      const knownRows = await c.query<{ op_id: string; hlc: string | null }>(
        `SELECT op_id, (op::jsonb)->>'hlc' AS hlc FROM ${s}.ops WHERE op_id = ANY($1::text[])`,
        [ops.map((o) => o.opId)],
      );
      const known = new Map(knownRows.rows.map((r) => [r.op_id, r.hlc ?? undefined]));
      const states = await this.loadStates(c, ops);
      const seqRow = await c.query<{ value: string }>(`SELECT value FROM ${s}.counters WHERE name = 'seq'`);
      const lastSeq = Number(seqRow.rows[0]!.value);
      const plan = planBatch(ops, {
        isKnown: (opId) => known.has(opId),
        storedHlc: (opId) => known.get(opId),
        loadState: (space, table, id) => states.get(recordKey(space, table, id)),
        lastSeq,
      });
      const recs = plan.records;
      if (recs.length > 0)
        await c.query(
          `INSERT INTO ${s}.records (space, tbl, id, state, seq)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[])
           ON CONFLICT (space, tbl, id) DO UPDATE SET state = EXCLUDED.state, seq = EXCLUDED.seq`,
          [recs.map((r) => r.space), recs.map((r) => r.table), recs.map((r) => r.id), recs.map((r) => r.stateJson), recs.map((r) => r.seq)],
        );
      const docs = plan.docs;
      if (docs.length > 0)
        await c.query(
          `INSERT INTO ${s}.doc_updates (seq, space, doc, update_bytes, op_id)
           SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::bytea[], $5::text[])`,
          [
            docs.map((d) => d.seq),
            docs.map((d) => d.space),
            docs.map((d) => d.doc),
            docs.map((d) => toBuffer(d.update)),
            docs.map((d) => d.opId),
          ],
        );
      if (plan.ops.length > 0) {
        const maxRow = await c.query<{ v: string }>(`SELECT COALESCE(MAX(log_seq), 0) AS v FROM ${s}.ops`);
        const base = Number(maxRow.rows[0]!.v);
        await c.query(`INSERT INTO ${s}.ops (log_seq, op_id, op) SELECT * FROM unnest($1::int8[], $2::text[], $3::text[])`, [
          plan.ops.map((_, i) => base + i + 1),
          plan.ops.map((o) => o.opId),
          plan.ops.map((o) => o.opJson),
        ]);
      }
      if (plan.lastSeq !== lastSeq) await c.query(`UPDATE ${s}.counters SET value = $1 WHERE name = 'seq'`, [plan.lastSeq]);
      this.opts.beforeCommit?.();
      return plan.outcomes;
    });
  }

  private async loadStates(c: Client, ops: StoredOp[]): Promise<Map<string, string>> {
    const recOps = ops.filter((o) => o.kind !== 'yjs');
    const states = new Map<string, string>();
    if (recOps.length === 0) return states;
    const { rows } = await c.query<{ space: string; tbl: string; id: string; state: string }>(
      `SELECT r.space, r.tbl, r.id, r.state FROM ${this.s}.records r
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(space, tbl, id)
         ON r.space = k.space AND r.tbl = k.tbl AND r.id = k.id`,
      [recOps.map((o) => o.space), recOps.map((o) => o.table), recOps.map((o) => o.id)],
    );
    for (const r of rows) states.set(recordKey(r.space, r.tbl, r.id), r.state);
    return states;
  }

  async pull(space: string, afterSeq: number, limit: number, only?: PullOnly): Promise<PullPage> {
    checkPullArgs(afterSeq, limit);
    const scope = pullScope(only);
    // One statement: one snapshot for both tables. $4: records wanted; $5: docs wanted; $6: one doc or NULL for all.
    const rows = await this.query<{ kind: string; seq: string; a: string; b: string | null; state: string | null; bytes: Buffer | null }>(
      `(SELECT 'r' AS kind, seq, id AS a, tbl AS b, state, NULL::bytea AS bytes FROM ${this.s}.records
          WHERE $4::boolean AND space = $1 AND seq > $2 ORDER BY seq LIMIT $3)
       UNION ALL
       (SELECT 'd', seq, doc, NULL, NULL, update_bytes FROM ${this.s}.doc_updates
          WHERE $5::boolean AND space = $1 AND seq > $2 AND ($6::text IS NULL OR doc = $6::text) ORDER BY seq LIMIT $3)
       ORDER BY seq`,
      [space, afterSeq, limit + 1, scope.records, scope.docs, scope.doc ?? null],
    );
    const records = [];
    const docs = [];
    for (const r of rows) {
      const seq = Number(r.seq);
      if (r.kind === 'r') records.push({ space, table: r.b!, id: r.a, state: parseState(r.state!), seq });
      else docs.push({ space, doc: r.a, update: new Uint8Array(r.bytes!), seq });
    }
    return toPullPage(records, docs, afterSeq, limit);
  }

  async readOpLog(afterLogSeq: number, limit: number): Promise<OpLogPage> {
    checkPullArgs(afterLogSeq, limit);
    const rows = await this.query<{ log_seq: string; op: string }>(
      `SELECT log_seq, op FROM ${this.s}.ops WHERE log_seq > $1 ORDER BY log_seq LIMIT $2`,
      [afterLogSeq, limit + 1],
    );
    const { page, lastLogSeq, hasMore } = logPage(rows, afterLogSeq, limit);
    return { ops: page.map((r) => ({ logSeq: Number(r.log_seq), op: decodeOp(r.op) })), lastLogSeq, hasMore };
  }

  async readOpIds(afterLogSeq: number, limit: number): Promise<OpIdPage> {
    checkPullArgs(afterLogSeq, limit);
    const rows = await this.query<{ log_seq: string; op_id: string }>(
      `SELECT log_seq, op_id FROM ${this.s}.ops WHERE log_seq > $1 ORDER BY log_seq LIMIT $2`,
      [afterLogSeq, limit + 1],
    );
    const { page, lastLogSeq, hasMore } = logPage(rows, afterLogSeq, limit);
    return { opIds: page.map((r) => r.op_id), lastLogSeq, hasMore };
  }

  async hasOps(opIds: string[]): Promise<Set<string>> {
    const rows = await this.query<{ op_id: string }>(`SELECT op_id FROM ${this.s}.ops WHERE op_id = ANY($1::text[])`, [opIds]);
    return new Set(rows.map((r) => r.op_id));
  }

  async opCount(): Promise<number> {
    // log_seq runs 1..N without gaps (assigned under the lock): MAX is the count, without a scan.
    const rows = await this.query<{ n: string }>(`SELECT COALESCE(MAX(log_seq), 0) AS n FROM ${this.s}.ops`);
    return Number(rows[0]!.n);
  }

  async digest(): Promise<string> {
    const pool = this.ready();
    return this.tx(
      pool,
      async (c) => {
        const recs = await c.query<{ space: string; tbl: string; id: string; state: string }>(
          `SELECT space, tbl, id, state FROM ${this.s}.records`,
        );
        const ids = await c.query<{ op_id: string }>(`SELECT op_id FROM ${this.s}.ops`);
        const docs = await c.query<{ op_id: string; op: string }>(`SELECT op_id, op FROM ${this.s}.ops WHERE left(op, 13) = $1`, [
          YJS_OP_PREFIX,
        ]);
        return computeDigest(
          recs.rows.map((r) => ({ space: r.space, table: r.tbl, id: r.id, stateJson: r.state })),
          ids.rows.map((r) => r.op_id),
          docs.rows.map((r) => ({ opId: r.op_id, opJson: r.op })),
        );
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.query<{ value: string }>(`SELECT value FROM ${this.s}.meta WHERE key = $1`, [key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.query(`INSERT INTO ${this.s}.meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
      key,
      value,
    ]);
  }

  async ping(): Promise<void> {
    // A node whose database was replaced by an empty one (disaster recovery)
    // answers SELECT 1 but has no tables: recreate the schema so repair can
    // refill it, instead of flapping between up and down forever.
    const rows = await this.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${this.s}.ops`]);
    if (rows[0]?.t == null) await this.tx(this.ready(), (c) => migratePostgres(c, this.schema));
  }

  async docsToCompact(minRows: number, limit: number): Promise<DocToCompact[]> {
    const rows = await this.query<{ space: string; doc: string; rows: string }>(
      `SELECT space, doc, COUNT(*) AS rows FROM ${this.s}.doc_updates GROUP BY space, doc HAVING COUNT(*) >= $1 LIMIT $2`,
      [minRows, limit],
    );
    return rows.map((r) => ({ space: r.space, doc: r.doc, rows: Number(r.rows) }));
  }

  async compactDoc(space: string, doc: string, merge: (updates: Uint8Array[]) => Uint8Array): Promise<number> {
    return this.tx(this.ready(), async (c) => {
      const rows = (
        await c.query<{ seq: string; update_bytes: Buffer }>(
          `SELECT seq, update_bytes FROM ${this.s}.doc_updates WHERE space = $1 AND doc = $2 ORDER BY seq`,
          [space, doc],
        )
      ).rows;
      if (rows.length < 2) return 0;
      const last = rows[rows.length - 1]!.seq;
      const merged = merge(rows.map((r) => new Uint8Array(r.update_bytes)));
      await c.query(`UPDATE ${this.s}.doc_updates SET update_bytes = $1 WHERE seq = $2`, [toBuffer(merged), last]);
      const del = await c.query(`DELETE FROM ${this.s}.doc_updates WHERE space = $1 AND doc = $2 AND seq < $3`, [space, doc, last]);
      return del.rowCount ?? 0;
    });
  }

  private ready(): pg.Pool {
    if (!this.pool) throw new SyncError('STORAGE_ERROR', `storage node ${this.id} is not open`);
    return this.pool;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const pool = this.ready();
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw storageError(this.id, err);
    }
  }

  /**
   * One transaction on one connection. Write transactions (the default) take
   * the node's advisory lock first. A connection whose ROLLBACK fails is
   * destroyed rather than returned to the pool.
   */
  private async tx<T>(pool: pg.Pool, fn: (c: Client) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    let client: Client;
    try {
      client = await pool.connect();
    } catch (err) {
      throw storageError(this.id, err);
    }
    let broken = false;
    try {
      await client.query(begin);
      if (begin === 'BEGIN') await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syncline:${this.schema}`]);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw storageError(this.id, err);
    } finally {
      client.release(broken);
    }
  }
}

/** The first `limit` of `rows` (read with `limit + 1` to see whether more follow), the last log seq and whether more follow. */
function logPage<T extends { log_seq: string }>(
  rows: T[],
  afterLogSeq: number,
  limit: number,
): { page: T[]; lastLogSeq: number; hasMore: boolean } {
  const page = rows.slice(0, limit);
  return { page, lastLogSeq: page.length > 0 ? Number(page[page.length - 1]!.log_seq) : afterLogSeq, hasMore: rows.length > limit };
}
