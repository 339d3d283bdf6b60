/**
 * Raw Engine.IO/Socket.IO frames over a plain WebSocket, below what
 * socket.io-client can produce: broken packet types, ack ids, namespaces,
 * attachment counts, JSON, and binary frames.
 */
import fc from 'fast-check';
import { WebSocket } from 'ws';

const prefix = fc.constantFrom(
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '40',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '47',
  '451-',
  '452-',
  '42/',
  '4299999999999999999',
  '42/admin,',
  '439',
  '45-',
  'b',
);
const body = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
  fc.constantFrom(
    '["push"]',
    '["push",{"changes":[]}]',
    '[]',
    '["__proto__",{}]',
    '[{"_placeholder":true,"num":0}]',
    '["awareness",{"_placeholder":true,"num":99}]',
    '{"__proto__":1}',
    '[1e999]',
    '["pull",{"space":"f1"}',
    '"',
    '["disconnect"]',
    '["disconnecting","x"]',
    '["connect"]',
    '["connect_error",{}]',
    '["newListener","push"]',
    '["removeListener","push"]',
    '["error",{}]',
  ),
);
export const rawFrame: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(prefix, body).map(([p, b]) => p + b) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
);

/** Opens a raw WebSocket, completes the Socket.IO connect with `auth`; resolves when connected (or refused). */
export function rawConnect(url: string, auth: object): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('0')) ws.send(`40${JSON.stringify(auth)}`);
      else if (text.startsWith('40') || text.startsWith('44')) resolve(ws);
      else if (text === '2') ws.send('3'); // heartbeat
    });
  });
}
