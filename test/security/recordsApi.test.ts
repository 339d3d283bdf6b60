/**
 * The HTTP records API and change feed against a real server process with
 * token auth and a table-schema extension (`--extension`):
 *  - auth: no token → 401 on every route; a token without the space's read
 *    role → 403 on every read route (GET one, list, feed JSON and SSE); a
 *    `write` token (enough for sockets) → 403 on every HTTP write; `service`
 *    writes; nothing a refused request sent is stored;
 *  - bad input → typed 4xx JSON, never a 5xx, and the server keeps serving:
 *    malformed JSON, oversize bodies, `__proto__` keys, deep nesting,
 *    unknown tables and fields, bad cursors, bad Idempotency-Keys, bad ack
 *    modes, plus seeded random bodies/paths/queries (SYNCLINE_SEED).
 *
 * Mutation checked: roleAllows letting `write` do `service` (the write-token
 * case failed: 200 instead of 403).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCodes, type WireError } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { testSeed } from '../../shared/src/testSeed.js';
import { SECRET, hsToken } from './support/tokens.js';

let srv: SpawnedServer;
let service: string;
let writer: string;
let reader: string;
let stranger: string;

beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET, '--ack', 'sync', '--extension', 'test/security/support/schemaExtension.ts'] });
  service = await hsToken({ sub: 'backend', spaces: { s: 'service' } });
  writer = await hsToken({ sub: 'w', spaces: { s: 'write' } });
  reader = await hsToken({ sub: 'r', spaces: { s: 'read' } });
  stranger = await hsToken({ sub: 'x', spaces: { other: 'service' } });
}, 60_000);
afterAll(async () => {
  await srv?.kill('SIGKILL');
});

async function call(method: string, path: string, opts: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${srv.url}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body,
  });
  const text = await res.text();
  let json: { error?: WireError; status?: string } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const typed = (r: { status: number; json?: { error?: WireError } }, status: number, code: string) => {
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  expect(r.json?.error?.code).toBe(code);
  expect(Object.keys(ErrorCodes)).toContain(r.json?.error?.code);
};

const READS = ['/v1/spaces/s/records/cards/c1', '/v1/spaces/s/records/cards', '/v1/spaces/s/changes'];

describe('records API auth', () => {
  it('service writes; write/read tokens cannot write over HTTP; no token is 401', async () => {
    const body = JSON.stringify({ title: 'hello' });
    expect((await call('PUT', '/v1/spaces/s/records/cards/c1', { token: service, body })).status).toBe(200);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const b = method === 'DELETE' ? undefined : JSON.stringify({ title: `by ${method}` });
      typed(await call(method, '/v1/spaces/s/records/cards/c1', { token: writer, body: b }), 403, 'FORBIDDEN');
      typed(await call(method, '/v1/spaces/s/records/cards/c1', { token: reader, body: b }), 403, 'FORBIDDEN');
      typed(await call(method, '/v1/spaces/s/records/cards/c1', { token: stranger, body: b }), 403, 'FORBIDDEN');
      typed(await call(method, '/v1/spaces/s/records/cards/c1', { body: b }), 401, 'UNAUTHORIZED');
      typed(await call(method, '/v1/spaces/s/records/cards/c1', { token: 'not-a-jwt', body: b }), 401, 'UNAUTHORIZED');
    }
    const now = await call('GET', '/v1/spaces/s/records/cards/c1', { token: reader });
    expect(now.json).toMatchObject({ record: { title: 'hello' } });
  });

  it('every read route needs the space read role', async () => {
    for (const path of READS) {
      typed(await call('GET', path), 401, 'UNAUTHORIZED');
      typed(await call('GET', path, { token: stranger }), 403, 'FORBIDDEN');
      typed(await call('GET', path, { token: stranger, headers: { accept: 'text/event-stream' } }), 403, 'FORBIDDEN');
      typed(await call('GET', path.replace('/s/', '/other-space/'), { token: reader }), 403, 'FORBIDDEN');
      expect((await call('GET', path, { token: reader })).status).toBe(200);
    }
  });
});

describe('records API bad input', () => {
  const put = (path: string, body: string, headers: Record<string, string> = {}) => call('PUT', path, { token: service, body, headers });

  it('answers typed 4xx and keeps serving', async () => {
    typed(await put('/v1/spaces/s/records/cards/b1', '{"title": '), 400, 'INVALID_MESSAGE');
    typed(await put('/v1/spaces/s/records/cards/b1', '[1,2]'), 400, 'INVALID_MESSAGE');
    typed(await put('/v1/spaces/s/records/cards/b1', '"text"'), 400, 'INVALID_MESSAGE');
    typed(await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: 'x'.repeat(200_000) })), 413, 'PAYLOAD_TOO_LARGE');
    typed(await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: 'x'.repeat(64 * 1024 - 100) })), 413, 'PAYLOAD_TOO_LARGE');
    typed(await put('/v1/spaces/s/records/cards/b1', '{"__proto__": {"title": "x"}}'), 400, 'INVALID_MESSAGE');
    typed(
      await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: 'a', deep: JSON.parse('['.repeat(100) + ']'.repeat(100)) })),
      400,
      'INVALID_MESSAGE',
    );
    typed(await put('/v1/spaces/s/records/nope/b1', JSON.stringify({ title: 'a' })), 404, 'NOT_FOUND');
    typed(await call('GET', '/v1/spaces/s/records/nope', { token: reader }), 404, 'NOT_FOUND');
    typed(await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: 'a', color: 'red' })), 422, 'VALIDATION_FAILED');
    typed(await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: '' })), 422, 'VALIDATION_FAILED');
    typed(await call('PATCH', '/v1/spaces/s/records/cards/b1', { token: service, body: '{}' }), 400, 'INVALID_MESSAGE');
    typed(
      await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: 'a' }), { 'idempotency-key': 'has space' }),
      400,
      'INVALID_MESSAGE',
    );
    typed(await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: 'a' }), { 'idempotency-key': 'x#y' }), 400, 'INVALID_MESSAGE');
    typed(await put('/v1/spaces/s/records/cards/b1?ack=fast', JSON.stringify({ title: 'a' })), 400, 'INVALID_MESSAGE');
    for (const cursor of ['bad', 'n1:-1', 'n1:1e99', ':', 'x'.repeat(600)]) {
      typed(await call('GET', `/v1/spaces/s/changes?cursor=${encodeURIComponent(cursor)}`, { token: reader }), 400, 'INVALID_MESSAGE');
      typed(
        await call('GET', `/v1/spaces/s/changes?cursor=${encodeURIComponent(cursor)}`, {
          token: reader,
          headers: { accept: 'text/event-stream' },
        }),
        400,
        'INVALID_MESSAGE',
      );
      typed(
        await call('GET', `/v1/spaces/s/records/cards?cursor=${encodeURIComponent(cursor)}`, { token: reader }),
        400,
        'INVALID_MESSAGE',
      );
    }
    typed(await call('GET', '/v1/spaces/s/changes?limit=0', { token: reader }), 400, 'INVALID_MESSAGE');
    typed(await call('GET', '/v1/spaces/s/changes?wait=999', { token: reader }), 400, 'INVALID_MESSAGE');
    typed(await call('GET', `/v1/spaces/${'s'.repeat(300)}/records/cards`, { token: reader }), 400, 'INVALID_MESSAGE');
    typed(await call('POST', '/v1/spaces/s/records/cards/b1', { token: service, body: '{}' }), 404, 'NOT_FOUND');
    // Nothing of the refused writes is stored.
    typed(await call('GET', '/v1/spaces/s/records/cards/b1', { token: reader }), 404, 'NOT_FOUND');
    expect((await put('/v1/spaces/s/records/cards/b1', JSON.stringify({ title: 'fine' }))).status).toBe(200);
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('seeded random requests: typed 4xx or 2xx, never 5xx, server alive', async () => {
    const seed = testSeed('records api fuzz');
    const seg = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('cards', 'notes', 's', '%2F', '..', '__proto__', 'constructor'));
    const req = fc.record({
      method: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST'),
      table: seg,
      id: seg,
      query: fc.dictionary(fc.constantFrom('ack', 'cursor', 'limit', 'x'), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
      body: fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 50 }), fc.constant(undefined)),
      key: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(req, async (r) => {
        n++;
        const q = new URLSearchParams(r.query).toString();
        const path = `/v1/spaces/s/records/${encodeURIComponent(r.table)}/${encodeURIComponent(r.id)}${q ? `?${q}` : ''}`;
        const headers: Record<string, string> = {};
        if (r.key !== undefined) headers['idempotency-key'] = r.key.replace(/[^\x20-\x7e]/g, '');
        const res = await call(r.method, path, { token: service, body: r.method === 'GET' ? undefined : r.body, headers });
        expect(res.status, `${r.method} ${path} ${res.text}`).toBeLessThan(500);
        if (res.status >= 400) expect(Object.keys(ErrorCodes)).toContain(res.json?.error?.code);
      }),
      { seed, numRuns: 300 },
    );
    expect((await call('GET', '/healthz')).status).toBe(200);
    console.log(`records api fuzz: ${n} requests (SYNCLINE_SEED=${seed})`);
  }, 120_000);
});
