/** Serves one bundled page on loopback (the Dexie baseline needs nothing else). */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { PAGE_HTML } from './pageHtml.js';

export function servePage(bundle: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE_HTML);
    if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(bundle));
    res.writeHead(404).end();
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      r({ url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`, server });
    }),
  );
}
