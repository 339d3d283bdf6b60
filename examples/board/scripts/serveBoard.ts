/**
 * Serves the built board: the static files of `dist`, `/config.json` with
 * the server list, and index.html for any other page address. The service
 * worker must never be cached by HTTP, or an update could be missed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { DIST_DIR } from './paths.js';

export interface BoardConfigJson {
  servers: string[];
  engine?: Record<string, unknown>;
}

export interface ServeBoardOptions {
  config: BoardConfigJson;
  port?: number;
  host?: string;
  dist?: string;
}

export interface ServedBoard {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serveBoard(opts: ServeBoardOptions): Promise<ServedBoard> {
  const dist = opts.dist ?? DIST_DIR;
  const app = express();
  app.disable('x-powered-by');
  app.get('/config.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(opts.config);
  });
  app.use(
    express.static(dist, {
      index: 'index.html',
      setHeaders: (res, path) => {
        if (/(^|\/)(sw\.js|index\.html|manifest\.webmanifest)$/.test(path)) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  app.use((req, res, next) => {
    if (req.method !== 'GET' || req.path.includes('.')) return next();
    res.set('Cache-Control', 'no-cache').sendFile(join(dist, 'index.html'));
  });
  const host = opts.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
