/**
 * Issue 13 F12 against real server processes: the no-auth dev server
 * accepted a cross-origin `text/plain` POST to
 * /admin/nodes/:id/maintenance (any web page could take nodes out) and
 * WebSockets from any Origin. Now admin routes refuse cross-origin,
 * cross-site, non-JSON-body and non-loopback-Host requests even on
 * loopback, and WebSocket Origins are checked (`--allowed-origins`,
 * default without auth: loopback pages and the server's own host).
 * Mutations that make this fail: drop `adminRequestGuard(...)` from the
 * guard list in http/adminRoutes.ts, or the `allowRequest` option in
 * SynclineServer.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { SECRET, hsToken } from './support/tokens.js';

let dev: SpawnedServer;
let listed: SpawnedServer;
let authed: SpawnedServer;
beforeAll(async () => {
  [dev, listed, authed] = await Promise.all([
    // Three at once on a loaded machine: give them time to start.
    spawnServer({ startTimeoutMs: 60_000 }),
    spawnServer({ args: ['--allowed-origins', 'https://app.example'], startTimeoutMs: 60_000 }),
    spawnServer({ args: ['--auth-secret', SECRET], startTimeoutMs: 60_000 }),
  ]);
});
afterAll(async () => {
  await Promise.all([dev, listed, authed].map((s) => s?.kill('SIGKILL')));
});

function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.once('error', reject);
    req.end(body);
  });
}

async function inMaintenance(url: string): Promise<string[]> {
  const status = (await (await fetch(`${url}/status`)).json()) as { nodes: { id: string; state?: string; maintenance?: boolean }[] };
  return status.nodes.filter((n) => n.maintenance === true || n.state === 'maintenance').map((n) => n.id);
}

function wsAccepted(url: string, origin: string | undefined, token?: string): Promise<boolean> {
  const s = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { clientId: 'origin-test', protocol: PROTOCOL_VERSION, ...(token ? { token } : {}) },
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
  return new Promise((resolve) => {
    s.once('welcome', () => {
      s.close();
      resolve(true);
    });
    s.once('connect_error', () => {
      s.close();
      resolve(false);
    });
  });
}

describe('dev server and web pages', () => {
  it('admin routes refuse cross-origin, cross-site, text/plain and rebound-Host requests on loopback', async () => {
    const own = new URL(dev.url).host;
    const path = '/admin/nodes/n3/maintenance';
    expect(await send(dev.url, 'POST', path, { origin: 'https://evil.example', 'content-type': 'text/plain' }, 'x')).toBe(403);
    expect(await send(dev.url, 'POST', path, { origin: 'https://evil.example' })).toBe(403);
    expect(await send(dev.url, 'POST', path, { 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await send(dev.url, 'POST', path, { 'content-type': 'text/plain' }, 'x')).toBe(415);
    expect(await send(dev.url, 'POST', path, { host: `evil.example:${new URL(dev.url).port}` })).toBe(403);
    expect(await inMaintenance(dev.url)).toEqual([]);
    // The operator's own calls still work: no Origin, same Origin, JSON body.
    expect(await send(dev.url, 'POST', path, { origin: `http://${own}`, 'content-type': 'application/json' }, '{}')).toBe(200);
    expect(await inMaintenance(dev.url)).toEqual(['n3']);
    expect(await send(dev.url, 'DELETE', path, {})).toBe(200);
  });

  it('checks WebSocket Origins: default without auth, --allowed-origins, and any with auth', async () => {
    expect(await wsAccepted(dev.url, undefined)).toBe(true);
    expect(await wsAccepted(dev.url, 'http://localhost:5173')).toBe(true);
    expect(await wsAccepted(dev.url, 'https://evil.example')).toBe(false);
    expect(await wsAccepted(listed.url, 'https://app.example')).toBe(true);
    expect(await wsAccepted(listed.url, 'http://localhost:5173')).toBe(false);
    expect(await wsAccepted(authed.url, 'https://evil.example', await hsToken({ spaces: {} }))).toBe(true);
  });
});
