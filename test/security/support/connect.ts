/** Connection outcomes for auth tests. */
import type { Socket } from 'socket.io-client';
import type { WireError } from '@syncline/shared';
import { makeClient, type ClientOptions } from '../../helpers/syncClient.js';

/** Resolves with the connect error's WireError, or rejects if the connection was accepted. */
export function refused(url: string, opts: ClientOptions): Promise<WireError> {
  const s = makeClient(url, opts);
  return new Promise((resolve, reject) => {
    s.once('welcome', () => {
      s.close();
      reject(new Error('connection was accepted'));
    });
    s.once('connect_error', (err: Error & { data?: WireError }) => {
      s.close();
      if (err.data) resolve(err.data);
      else reject(err);
    });
  });
}

/** Collects every event `name` the socket receives. */
export function collect<T = unknown>(socket: Socket, name: string): T[] {
  const seen: T[] = [];
  socket.on(name, (m: T) => seen.push(m));
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
