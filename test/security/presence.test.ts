/**
 * Presence bounds and ownership (issue 13 F4, F8) against real server
 * processes with HS256 auth.
 * F8: a read-only member spoke as another user's awareness clientID; on its
 * disconnect the server announced that user's removal. Now speaking for an
 * id another connection introduced is refused (IDENTITY_MISMATCH) and only
 * the owner's departure is announced.
 * F4: a read-only socket sending awareness updates for new clientIDs grew
 * the tracker until a 384 MB heap died (64 s in the report). Here the flood
 * runs 60 s, as the issue asks (each message carries 8,000 new ids, so the
 * old code dies within seconds) and the server must stay alive, serving,
 * and grow by less than 100 MB.
 * Mutations that make this fail: drop `registry.claim(...)` in
 * socket/awarenessHandler.ts (both tests), or make `release` announce every
 * tracked entry again (F8).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { boundClientId, type PushReply } from '@syncline/shared';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient, request } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';
import { awarenessUpdate } from './support/changes.js';
import { collect, sleep } from './support/connect.js';
import { rssBytes, watchRss } from './support/rss.js';

const MB = 1024 * 1024;
let srv: SpawnedServer;
beforeAll(async () => {
  srv = await spawnServer({ args: ['--auth-secret', SECRET], env: { NODE_OPTIONS: '--max-old-space-size=384' } });
});
afterAll(async () => {
  await srv?.kill('SIGKILL');
});

async function as(sub: string, role: 'read' | 'write' = 'read'): Promise<Socket> {
  return connectClient(srv.url, { clientId: boundClientId(sub, 'd'), token: await hsToken({ sub, spaces: { p: role } }) });
}

/** One awareness update naming `count` clients from `first` on (empty states). */
function manyClients(first: number, count: number): Uint8Array {
  const out: number[] = [];
  const varUint = (n: number) => {
    while (n > 0x7f) {
      out.push((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
  };
  varUint(count);
  for (let i = 0; i < count; i++) {
    varUint(first + i);
    varUint(1);
    varUint(2);
    out.push(0x7b, 0x7d); // "{}"
  }
  return Uint8Array.from(out);
}

describe('presence', () => {
  it('F8: nobody speaks for, or withdraws, an awareness client of another connection', async () => {
    const watcher = await as('watcher');
    expect(await request(watcher, 'subscribe_docs', { space: 'p', docs: ['d'] })).toEqual({ space: 'p', docs: ['d'] });
    const seen = collect<{ update: Uint8Array }>(watcher, 'awareness');
    const alice = await as('alice');
    const mallory = await as('mallory');

    expect(await request(alice, 'awareness', { space: 'p', doc: 'd', update: awarenessUpdate(5, { user: 'alice' }) })).toEqual({
      ok: true,
    });
    const spoof = await request<{ error: { code: string } }>(mallory, 'awareness', {
      space: 'p',
      doc: 'd',
      update: awarenessUpdate(5, { user: 'not alice' }),
    });
    expect(spoof.error.code).toBe('IDENTITY_MISMATCH');
    await sleep(200);
    expect(seen).toHaveLength(1);

    mallory.close();
    await sleep(300);
    expect(seen).toHaveLength(1); // no removal of alice's id

    alice.close();
    await sleep(300);
    expect(seen).toHaveLength(2);
    const removal = new Uint8Array(seen[1]!.update);
    expect([removal[0], removal[1]]).toEqual([1, 5]); // one client, id 5: alice is gone
    watcher.close();
  });

  it('F4: a presence flood on a 384 MB heap leaves the server alive and bounded (60 s)', async () => {
    const flooder = await as('flooder');
    const pid = srv.proc.pid!;
    const base = rssBytes(pid);
    const watch = watchRss(pid, 100);
    const refusals: string[] = [];
    let next = 1000;
    const until = Date.now() + 60_000;
    while (Date.now() < until && flooder.connected) {
      for (let i = 0; i < 20; i++) {
        flooder.emit(
          'awareness',
          { space: 'p', doc: `d${next % 50}`, update: manyClients(next, 8_000) },
          (r: { error?: { code: string } }) => {
            if (r?.error) refusals.push(r.error.code);
          },
        );
        next += 8_000;
      }
      await sleep(100); // ~200 messages/s: under the rate limit, so every one reaches the handler
    }
    await sleep(500);
    const growth = watch.stop() - base;
    console.log(`presence flood: ${(next - 1000) / 8_000} messages, ${refusals.length} refused, RSS growth ${(growth / MB).toFixed(1)} MB`);
    expect(srv.proc.exitCode, srv.output()).toBeNull();
    expect(refusals.length).toBeGreaterThan(300);
    expect(new Set(refusals)).toEqual(new Set(['PAYLOAD_TOO_LARGE']));
    expect(growth).toBeLessThan(100 * MB);
    flooder.close();

    // Still serving.
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    const w = await as('writer', 'write');
    const id = boundClientId('writer', 'd');
    const reply = await request<PushReply>(w, 'push', {
      changes: [
        {
          kind: 'put',
          opId: `${id}:1`,
          space: 'p',
          table: 't',
          id: 'x',
          hlc: `${String(Date.now()).padStart(15, '0')}-000000-${id}`,
          fields: { ok: true },
        },
      ],
    });
    expect(reply.results[0]!.status).toBe('ok');
    w.close();
  }, 100_000);
});
