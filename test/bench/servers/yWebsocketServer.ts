/** Child process: @y/websocket-server's reference handler on `ws`, in memory (no YPERSISTENCE). */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';
import { ready } from '../lib/child.js';

const http = createServer((_req, res) => res.end('ok'));
const wss = new WebSocketServer({ server: http });
wss.on('connection', (conn, req) => setupWSConnection(conn, req));
http.listen(0, '127.0.0.1', () => {
  const addr = http.address();
  ready({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('SIGTERM', () => process.exit(0));
