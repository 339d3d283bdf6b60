/**
 * A typed Node client for an app's backend over the HTTP records API
 * (docs/backend.md). Every write carries an Idempotency-Key (given, or
 * generated once per call) and is retried with the same key on network
 * errors, `indeterminate` outcomes and retryable error codes, rotating
 * through the server URLs — so a retry, to any server, has one effect.
 *
 * ```ts
 * const admin = new SynclineAdmin({ urls: ['http://127.0.0.1:4001', 'http://127.0.0.1:4002'], token });
 * await admin.put('team-1', 'cards', 'c1', { title: 'Hi' }, { key: 'import-42', ack: 'sync' });
 * for await (const change of admin.changes('team-1', { cursor })) { … }
 * ```
 */
import { randomUUID } from 'node:crypto';
import { SyncError, type AckMode, type Json, type WireError } from '@syncline/shared';
import type { WriteAnswer } from '../records/writeRecord.js';
import type { RecordItem, RecordPage } from '../records/readRecords.js';
import type { FeedItem, FeedPage } from '../records/changeFeed.js';

export type { WriteAnswer, RecordItem, RecordPage, FeedItem, FeedPage };

export interface AdminOptions {
  /** One or more server URLs; failed requests move to the next. */
  urls: string | string[];
  /** Bearer token (a JWT with the `service` role in the spaces written). */
  token?: string | (() => string | Promise<string>);
  /** Attempts per call (default 6). */
  attempts?: number;
  /** First retry delay, doubled per attempt with jitter (default 200 ms). */
  backoffMs?: number;
  /** Per request timeout (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface WriteOptions {
  /** Idempotency key (becomes the op id); default: a random UUID, reused by the retries of this call. */
  key?: string;
  ack?: AckMode;
}

/** A write that ended `rejected`, or a request answered with an error after its retries. */
export class AdminError extends SyncError {
  constructor(
    wire: WireError,
    readonly status: number,
    readonly answer?: WriteAnswer,
  ) {
    super(SyncError.fromWire(wire).code, wire.message, wire.details);
    this.name = 'AdminError';
  }
}

export class SynclineAdmin {
  private readonly urls: string[];
  private next = 0;

  constructor(private readonly opts: AdminOptions) {
    this.urls = (Array.isArray(opts.urls) ? opts.urls : [opts.urls]).map((u) => u.replace(/\/+$/, ''));
    if (this.urls.length === 0) throw new TypeError('SynclineAdmin: give at least one url');
  }

  /** Replaces the record (fields the body lacks are removed). */
  put(space: string, table: string, id: string, record: Record<string, Json>, o: WriteOptions = {}): Promise<WriteAnswer> {
    return this.write('PUT', space, table, id, record, o);
  }

  /** Sets the given fields; `null` removes a field. */
  patch(space: string, table: string, id: string, fields: Record<string, Json>, o: WriteOptions = {}): Promise<WriteAnswer> {
    return this.write('PATCH', space, table, id, fields, o);
  }

  delete(space: string, table: string, id: string, o: WriteOptions = {}): Promise<WriteAnswer> {
    return this.write('DELETE', space, table, id, undefined, o);
  }

  /** The record, or undefined when there is none. */
  async get(space: string, table: string, id: string): Promise<RecordItem | undefined> {
    try {
      return await this.request<RecordItem>('GET', `${recordPath(space, table)}/${enc(id)}`);
    } catch (err) {
      if (err instanceof AdminError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** One page of a table's records after `cursor`. */
  list(space: string, table: string, q: { cursor?: string; limit?: number } = {}): Promise<RecordPage> {
    return this.request<RecordPage>('GET', `${recordPath(space, table)}${query(q)}`);
  }

  /** Every live record of a table, page by page. */
  async *all(space: string, table: string): AsyncGenerator<RecordItem> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.list(space, table, { cursor });
      yield* page.records;
      if (!page.hasMore) return;
      cursor = page.cursor ?? undefined;
    }
  }

  /** One feed page after `cursor`, waiting up to `wait` seconds for a change. */
  changesPage(space: string, q: { cursor?: string; limit?: number; wait?: number } = {}): Promise<FeedPage> {
    return this.request<FeedPage>('GET', `/v1/spaces/${enc(space)}/changes${query(q)}`);
  }

  /**
   * Follows the change feed from `cursor` by long-polling, until `signal`
   * aborts. Save `change.cursor` after handling each change; resume with it.
   */
  async *changes(space: string, o: { cursor?: string; signal?: AbortSignal; wait?: number } = {}): AsyncGenerator<FeedItem> {
    let cursor = o.cursor;
    while (!o.signal?.aborted) {
      const page = await this.changesPage(space, { cursor, wait: o.wait ?? 25 });
      for (const c of page.changes) {
        if (o.signal?.aborted) return;
        yield c;
      }
      cursor = page.cursor;
    }
  }

  private async write(
    method: string,
    space: string,
    table: string,
    id: string,
    body: Record<string, Json> | undefined,
    o: WriteOptions,
  ): Promise<WriteAnswer> {
    const key = o.key ?? randomUUID();
    const path = `${recordPath(space, table)}/${enc(id)}${o.ack ? `?ack=${o.ack}` : ''}`;
    return this.request<WriteAnswer>(method, path, body, { 'idempotency-key': key });
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const attempts = this.opts.attempts ?? 6;
    let last: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep((this.opts.backoffMs ?? 200) * 2 ** (attempt - 1) * (0.5 + Math.random()));
      const url = this.urls[this.next % this.urls.length]!;
      let res: Response;
      try {
        const token = typeof this.opts.token === 'function' ? await this.opts.token() : this.opts.token;
        res = await (this.opts.fetch ?? fetch)(`${url}${path}`, {
          method,
          headers: {
            ...headers,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
        });
      } catch (err) {
        last = err; // no answer: the write may or may not be applied; the same key makes the retry safe
        this.next++;
        continue;
      }
      const json = (await res.json().catch(() => undefined)) as (T & { error?: WireError; status?: string }) | undefined;
      if (res.ok && json) return json;
      const wire = json?.error ?? { code: 'INTERNAL', message: `HTTP ${res.status}`, retryable: true };
      const err = new AdminError(wire, res.status, json?.status ? (json as unknown as WriteAnswer) : undefined);
      if (!(wire.retryable || json?.status === 'indeterminate')) throw err;
      last = err;
      this.next++;
    }
    throw last instanceof Error ? last : new Error(String(last));
  }
}

const enc = encodeURIComponent;
const recordPath = (space: string, table: string) => `/v1/spaces/${enc(space)}/records/${enc(table)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function query(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
