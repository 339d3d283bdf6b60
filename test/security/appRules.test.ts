/**
 * Roles decided by the app's own rules (`auth.roles` function) instead of
 * the `spaces` claim, plus an app `onAuthorize` extension that can only
 * narrow what the token allows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { SyncError, boundClientId, type ErrorReply, type PullReply, type PushReply } from '@syncline/shared';
import type { SynclineServer } from '@syncline/server';
import { SECRET, hsToken } from './support/tokens.js';
import { startInProcess, socketTo } from './support/inProcess.js';
import { SecMaker } from './support/changes.js';

let server: SynclineServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server?.drain();
});

describe('authorization from app rules', () => {
  it('asks the roles function with the verified claims, space and action', async () => {
    const asked: string[] = [];
    let base: string;
    ({ server, url: base } = await startInProcess({
      auth: {
        secret: SECRET,
        // The app's rule: your own `user-<sub>` space, read-only `lobby`.
        roles: async ({ claims, space, action }) => {
          asked.push(`${claims.sub}:${space}:${action}`);
          return space === `user-${claims.sub}` || (space === 'lobby' && action === 'read');
        },
      },
      extensions: [
        {
          onAuthorize({ space }) {
            if (space === 'user-frozen') throw new SyncError('FORBIDDEN', 'frozen by the app');
          },
        },
      ],
    }));
    // The claim is ignored in this mode: it grants nothing by itself.
    const s = await socketTo(base, boundClientId('ann', 'd'), await hsToken({ sub: 'ann', spaces: { '*': 'write' } }));
    const frozen = await socketTo(base, boundClientId('frozen', 'd'), await hsToken({ sub: 'frozen' }));
    sockets.push(s, frozen);
    const m = new SecMaker(boundClientId('ann', 'd'));
    const reply = (await s.emitWithAck('push', {
      changes: [m.put('user-ann', 'a', { v: 1 }), m.put('user-bob', 'b', { v: 1 }), m.put('lobby', 'c', { v: 1 })],
    })) as PushReply;
    expect(reply.results.map((r) => r.error?.code ?? r.status)).toEqual(['ok', 'FORBIDDEN', 'FORBIDDEN']);
    expect(((await s.emitWithAck('pull', { space: 'lobby' })) as PullReply).space).toBe('lobby');
    expect(((await s.emitWithAck('pull', { space: 'user-bob' })) as ErrorReply).error.code).toBe('FORBIDDEN');
    expect(asked).toContain('ann:user-bob:write');
    expect(asked).toContain('ann:lobby:read');
    // The roles function allows `user-frozen`, the app extension still denies it.
    expect(((await frozen.emitWithAck('pull', { space: 'user-frozen' })) as ErrorReply).error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'frozen by the app',
    });
  });

  it('refuses to start with no key or with both keys, and a short HS256 secret', async () => {
    await expect(startInProcess({ auth: {} })).rejects.toThrow(/exactly one/);
    await expect(startInProcess({ auth: { secret: SECRET, jwks: { keys: [] } } })).rejects.toThrow(/exactly one/);
    await expect(startInProcess({ auth: { secret: 'short' } })).rejects.toThrow(/32 bytes/);
  });
});
