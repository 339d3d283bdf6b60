/**
 * Authentication against real server processes: HS256 secret, JWKS file and
 * JWKS URL. Missing / forged / expired / wrong-issuer / unsigned tokens are
 * refused with a typed UNAUTHORIZED connect error; a token that expires
 * while connected gets the socket disconnected with UNAUTHORIZED; the HTTP
 * endpoints that return data or act need an admin token, the probes stay open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { boundClientId, type WireError } from '@syncline/shared';
import { spawnServer, tempDir, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { getJson } from '../helpers/http.js';
import { AUDIENCE, ISSUER, SECRET, hsToken, rsaIssuer, serveJwks, unsignedToken, writeJwksFile, type RsaIssuer } from './support/tokens.js';
import { refused } from './support/connect.js';

const authArgs = ['--auth-issuer', ISSUER, '--auth-audience', AUDIENCE, '--auth-clock-tolerance-s', '0'];
let hs: SpawnedServer;
let jwksFile: SpawnedServer;
let jwksUrl: SpawnedServer;
let open: SpawnedServer;
let rsa: RsaIssuer;
let jwksHttp: Server;

beforeAll(async () => {
  rsa = await rsaIssuer();
  const served = await serveJwks(rsa.jwks);
  jwksHttp = served.server;
  const path = writeJwksFile(tempDir('syncline-jwks-'), rsa.jwks);
  [hs, jwksFile, jwksUrl, open] = await Promise.all([
    spawnServer({ args: [...authArgs], env: { SYNCLINE_AUTH_SECRET: SECRET } }),
    spawnServer({ args: ['--auth-jwks', path, ...authArgs] }),
    spawnServer({ args: ['--auth-jwks', served.url, ...authArgs] }),
    spawnServer({ args: ['--log-level', 'warn'] }),
  ]);
});
afterAll(async () => {
  await Promise.all([hs, jwksFile, jwksUrl, open].map((s) => s?.kill('SIGKILL')));
  jwksHttp?.close();
});

const spaces = { s: 'write' } as const;

describe('handshake authentication', () => {
  it('accepts a valid HS256 token and refuses every bad one with UNAUTHORIZED', async () => {
    const ok = await connectClient(hs.url, { clientId: boundClientId('u1', 'd'), token: await hsToken({ sub: 'u1', spaces }) });
    expect(ok.welcome.serverId).toBeTruthy();
    ok.close();

    const bad: [string, string | undefined, RegExp][] = [
      ['no token', undefined, /token required/],
      ['garbage', 'not.a.jwt', /invalid/],
      ['wrong secret', await hsToken({ spaces }, { secret: 'another-secret-0123456789-abcdefghijkl' }), /signature/],
      ['expired', await hsToken({ spaces }, { ttlSec: -5 }), /expired/],
      ['no exp', await hsToken({ spaces }, { exp: false }), /exp/],
      ['wrong issuer', await hsToken({ spaces }, { iss: 'https://evil.test' }), /iss/],
      ['wrong audience', await hsToken({ spaces }, { aud: 'other' }), /aud/],
      ['alg none', unsignedToken({ spaces }), /./],
      ['RS256 token on an HS256 server', await rsa.sign({ spaces }), /algorithm|invalid/],
      ['bad spaces claim', await hsToken({ spaces: { s: 'owner' } }), /spaces/],
      ['__proto__ in spaces claim', await hsToken({ spaces: JSON.parse('{"__proto__":{"polluted":true}}') }), /spaces/],
    ];
    for (const [what, token, message] of bad) {
      const err = await refused(hs.url, token === undefined ? {} : { token });
      expect(err, what).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
      expect(err.message, what).toMatch(message);
    }
    // Still serving after all that.
    const again = await connectClient(hs.url, { token: await hsToken({ spaces }) });
    again.close();
  });

  it('verifies RS256 tokens against a JWKS file and a JWKS URL', async () => {
    for (const srv of [jwksFile, jwksUrl]) {
      const ok = await connectClient(srv.url, { token: await rsa.sign({ spaces }) });
      ok.close();
      const other = await rsaIssuer();
      expect(await refused(srv.url, { token: await other.sign({ spaces }) })).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(await refused(srv.url, { token: await hsToken({ spaces }) })).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(await refused(srv.url, { token: await rsa.sign({ spaces }, -10) })).toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'token expired',
      });
    }
  });

  it('disconnects a socket with UNAUTHORIZED when its token expires while connected', async () => {
    const s = await connectClient(hs.url, { token: await hsToken({ spaces }, { ttlSec: 2 }) });
    const errors: WireError[] = [];
    s.on('sync_error', (e: WireError) => errors.push(e));
    const reason = new Promise<string>((r) => s.once('disconnect', r));
    // Works until then.
    expect(await request(s, 'pull', { space: 's' })).toMatchObject({ space: 's' });
    const started = Date.now();
    expect(await reason).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(errors).toEqual([expect.objectContaining({ code: 'UNAUTHORIZED', message: expect.stringMatching(/expired/) })]);
    s.close();
  });
});

describe('HTTP endpoints', () => {
  const admin = async () => ({ authorization: `Bearer ${await hsToken({ admin: true })}` });

  it('keeps the probes open and guards digests and /admin/*', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/status']) {
      expect((await fetch(`${hs.url}${path}`)).status, path).toBe(200);
    }
    const user = { authorization: `Bearer ${await hsToken({ spaces })}` };
    const expired = { authorization: `Bearer ${await hsToken({ admin: true }, { ttlSec: -5 })}` };
    const checks: [string, string][] = [
      ['GET', '/status?digests=1'],
      ['POST', '/admin/repair'],
      ['POST', '/admin/nodes/n2/maintenance'],
      ['DELETE', '/admin/nodes/n2/maintenance'],
    ];
    for (const [method, path] of checks) {
      const none = await getJson<{ error: WireError }>(`${hs.url}${path}`, { method });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.body.error.code).toBe('UNAUTHORIZED');
      expect((await getJson(`${hs.url}${path}`, { method, headers: expired })).status).toBe(401);
      const forbidden = await getJson<{ error: WireError }>(`${hs.url}${path}`, { method, headers: user });
      expect(forbidden.status, `${method} ${path}`).toBe(403);
      expect(forbidden.body.error.code).toBe('FORBIDDEN');
      const ok = await getJson<Record<string, unknown>>(`${hs.url}${path}`, { method, headers: await admin() });
      expect(ok.status, `${method} ${path}`).toBe(200);
    }
    const status = await getJson<{ digests: Record<string, string> }>(`${hs.url}/status?digests=1`, { headers: await admin() });
    expect(Object.keys(status.body.digests)).toEqual(['n1', 'n2', 'n3']);
  });

  it('without auth flags the server runs open and says so', async () => {
    expect(open.output()).toMatch(/no authentication configured/);
    const s = await connectClient(open.url, {});
    s.close();
    expect((await fetch(`${open.url}/status?digests=1`)).status).toBe(200);
  });
});
