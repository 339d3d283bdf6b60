/**
 * Issue 13 F3 against a real server process with HS256 auth: binary
 * attachments were buffered before any check (one read-only connection held
 * 1.2 GB of RSS, ~690 MB before the handshake). Now a packet's header plus
 * attachments may not pass maxMessageBytes and binary packets are refused
 * before the handshake: the connection is closed and the server's RSS grows
 * by less than 100 MB. Each attack offers 240 MB (60 frames of ~4 MiB).
 * Mutations that make this fail: drop the byte check in
 * server/src/docs/socketParser.ts (RSS grows by ~240 MB), or the
 * HANDSHAKE_DONE check (the pre-handshake attack is buffered).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { boundClientId } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';
import { rawConnect } from './support/rawFrames.js';
import { rssBytes, watchRss } from './support/rss.js';

const MB = 1024 * 1024;
let srv: SpawnedServer;
beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET] });
});
afterAll(async () => {
  await srv?.kill('SIGKILL');
});

function engineOpen(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('message', () => resolve(ws));
    ws.on('message', (d) => d.toString() === '2' && ws.send('3')); // heartbeat
  });
}

/** Declares 400 attachments, then sends up to 60 frames of ~4 MiB; resolves whether the server closed the socket. */
async function flood(ws: WebSocket): Promise<boolean> {
  const closed = new Promise<boolean>((r) => ws.once('close', () => r(true)));
  ws.on('error', () => undefined);
  const placeholders = Array.from({ length: 400 }, (_, num) => ({
    kind: 'yjs',
    opId: `x:${num}`,
    space: 's',
    doc: 'd',
    update: { _placeholder: true, num },
  }));
  ws.send(`45400-["push",${JSON.stringify({ changes: placeholders })}]`);
  const frame = Buffer.alloc(4 * MB - 4096, 7);
  for (let i = 0; i < 60 && ws.readyState === ws.OPEN; i++) {
    await new Promise<void>((r) => ws.send(frame, { binary: true }, () => r()));
  }
  return Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
}

async function attack(open: () => Promise<WebSocket>): Promise<{ closed: boolean; growth: number }> {
  const pid = srv.proc.pid!;
  const base = rssBytes(pid);
  const watch = watchRss(pid);
  const ws = await open();
  const closed = await flood(ws);
  await new Promise((r) => setTimeout(r, 300));
  const peak = watch.stop();
  ws.terminate();
  return { closed, growth: peak - base };
}

async function stillServes(): Promise<void> {
  const s = await connectClient(srv.url, {
    clientId: boundClientId('ok', 'd'),
    token: await hsToken({ sub: 'ok', spaces: { s: 'read' } }),
  });
  expect(await request(s, 'pull', { space: 's' })).toMatchObject({ space: 's' });
  s.close();
}

describe('attachment bounds', () => {
  it('refuses binary packets before the handshake', async () => {
    const r = await attack(() => engineOpen(srv.url));
    console.log(`pre-handshake: closed=${r.closed}, RSS growth ${(r.growth / MB).toFixed(1)} MB`);
    expect(r.closed).toBe(true);
    expect(r.growth).toBeLessThan(100 * MB);
    await stillServes();
  });

  it('caps the bytes of one packet for a connected read-only client', async () => {
    const token = await hsToken({ sub: 'ro', spaces: { s: 'read' } });
    const r = await attack(() => rawConnect(srv.url, { clientId: boundClientId('ro', 'd'), protocol: 1, token }));
    console.log(`read-only connection: closed=${r.closed}, RSS growth ${(r.growth / MB).toFixed(1)} MB`);
    expect(r.closed).toBe(true);
    expect(r.growth).toBeLessThan(100 * MB);
    await stillServes();
  });
});
