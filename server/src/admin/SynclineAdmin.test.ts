/**
 * SynclineAdmin's retry rule, as a unit (a scripted fetch): every attempt
 * of a write carries the same Idempotency-Key and moves to the next URL;
 * `indeterminate`, retryable codes and network errors are retried; a
 * `rejected` outcome or a non-retryable error throws at once.
 * (Against real servers: test/backend/idempotency.test.ts.)
 * Mutation checked: a fresh key per attempt (`randomUUID()` inside
 * request) — the key assertion failed.
 */
import { describe, expect, it } from 'vitest';
import { AdminError, SynclineAdmin } from './SynclineAdmin.js';

type Step = Error | { status: number; body: unknown };

function scripted(steps: Step[]) {
  const calls: { url: string; key: string | null }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, key: new Headers(init.headers).get('idempotency-key') });
    const step = steps.shift()!;
    if (step instanceof Error) throw step;
    return new Response(JSON.stringify(step.body), { status: step.status });
  }) as unknown as typeof globalThis.fetch;
  return { calls, admin: new SynclineAdmin({ urls: ['http://a', 'http://b'], fetch, backoffMs: 1 }) };
}

const err = (code: string, retryable: boolean) => ({ code, message: code, retryable });

describe('SynclineAdmin retries', () => {
  it('retries network errors, indeterminate and retryable codes with the same key, rotating servers', async () => {
    const { calls, admin } = scripted([
      new TypeError('fetch failed'),
      { status: 504, body: { status: 'indeterminate', opId: 'http:x:k', error: err('TIMEOUT', true) } },
      { status: 503, body: { error: err('SERVER_DRAINING', true) } },
      { status: 200, body: { status: 'ok', opId: 'http:x:k', key: 'k', ack: 'sync', hlc: 'h' } },
    ]);
    const out = await admin.put('s', 'cards', 'c1', { title: 't' });
    expect(out.status).toBe('ok');
    expect(new Set(calls.map((c) => c.key)).size).toBe(1);
    expect(calls[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls.map((c) => new URL(c.url).host)).toEqual(['a', 'b', 'a', 'b']);
    expect(calls[0]!.url).toBe('http://a/v1/spaces/s/records/cards/c1');
  });

  it('throws a rejection or a non-retryable error at once', async () => {
    const rejected = scripted([{ status: 422, body: { status: 'rejected', opId: 'o', error: err('VALIDATION_FAILED', false) } }]);
    const e = await rejected.admin.patch('s', 'cards', 'c1', { title: '' }, { key: 'mine' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AdminError);
    expect(e).toMatchObject({ code: 'VALIDATION_FAILED', status: 422, answer: { status: 'rejected' } });
    expect(rejected.calls).toHaveLength(1);
    expect(rejected.calls[0]!.key).toBe('mine');

    const missing = scripted([{ status: 404, body: { error: err('NOT_FOUND', false) } }]);
    expect(await missing.admin.get('s', 'cards', 'nope')).toBeUndefined();
  });
});
