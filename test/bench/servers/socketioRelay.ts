/**
 * Child process: a bare Socket.IO 4.8 server — the floor our server is
 * compared with. `join` joins a room; `send` broadcasts a poke to a room
 * (across processes when started with a Redis URL, via @socket.io/redis-adapter).
 * Args: [redisUrl]
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { ready } from '../lib/child.js';

const redisUrl = process.argv[2];
const http = createServer();
const io = new Server(http, { transports: ['websocket'] });
if (redisUrl) {
  const pub = new Redis(redisUrl);
  const sub = pub.duplicate();
  io.adapter(createAdapter(pub, sub));
}
io.on('connection', (socket) => {
  socket.on('join', async (room: string, ack: () => void) => {
    await socket.join(room);
    ack();
  });
  socket.on('send', (room: string, ack: () => void) => {
    io.to(room).emit('poke', { space: room });
    ack();
  });
});
http.listen(0, '127.0.0.1', () => {
  const addr = http.address();
  ready({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('SIGTERM', () => process.exit(0));
