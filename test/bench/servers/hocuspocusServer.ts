/** Child process: a bare Hocuspocus server (in-memory documents) on a free port. */
import { Server } from '@hocuspocus/server';
import { ready } from '../lib/child.js';

const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
await server.listen();
ready({ port: server.address.port });
process.on('SIGTERM', () => process.exit(0));
