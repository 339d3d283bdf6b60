/**
 * Child process: opens N idle socket.io-client connections (WebSocket) to a
 * server and holds them, so the server's memory is measured apart from the
 * clients'. Args: url n syncline|plain. Prints READY once all are connected
 * (Syncline: welcomed and subscribed to one space).
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@syncline/shared';
import { ready } from '../lib/child.js';

const [url, nArg, kind] = [process.argv[2]!, Number(process.argv[3]), process.argv[4]];
const tag = Math.random().toString(36).slice(2, 8);
const sockets: Socket[] = [];

function open(i: number): Promise<void> {
  const auth = kind === 'syncline' ? { clientId: `idle${tag}-${i}`, protocol: PROTOCOL_VERSION } : {};
  const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
  sockets.push(s);
  return new Promise((res, rej) => {
    s.once('connect_error', rej);
    if (kind !== 'syncline') return void s.once('connect', () => res());
    s.once('welcome', () => {
      s.timeout(30_000)
        .emitWithAck('subscribe', { spaces: [`idle-${tag}-${i % 100}`] })
        .then(() => res(), rej);
    });
  });
}

for (let i = 0; i < nArg; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, nArg - i) }, (_, k) => open(i + k)));
}
ready({ connected: sockets.filter((s) => s.connected).length });
process.on('SIGTERM', () => {
  for (const s of sockets) s.close();
  process.exit(0);
});
