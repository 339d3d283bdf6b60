/**
 * Child process: express-pouchdb over PouchDB's memory adapter, preloaded
 * with N benchmark records as documents; also serves the page bundle so the
 * browser replicates same-origin. Args: N bodyBytes bundlePath.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import PouchDBCore from 'pouchdb-core';
import memory from 'pouchdb-adapter-memory';
import http from 'pouchdb-adapter-http';
import replication from 'pouchdb-replication';
import mapreduce from 'pouchdb-mapreduce';
import expressPouchDB from 'express-pouchdb';
import { makeRecord } from '../lib/records.js';
import { PAGE_HTML } from '../lib/pageHtml.js';
import { ready } from '../lib/child.js';

const [n, bodyBytes, bundle] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]!];
const PouchDB = PouchDBCore.plugin(memory).plugin(http).plugin(replication).plugin(mapreduce).defaults({ adapter: 'memory' });
const db = new PouchDB('bench');
for (let i = 0; i < n; i += 1000) {
  const docs = [];
  for (let j = i; j < Math.min(n, i + 1000); j++) {
    const { id, ...rest } = makeRecord(j, bodyBytes);
    docs.push({ _id: id, ...rest });
  }
  await db.bulkDocs(docs);
}
// express-pouchdb brings its own Express 4 app; serve the page beside it on plain node:http.
const pouchApp = expressPouchDB(PouchDB, { mode: 'minimumForPouchDB', logPath: '/dev/null' });
const server = createServer((req, res) => {
  if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE_HTML);
  if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(bundle));
  if (req.url?.startsWith('/db/')) {
    req.url = req.url.slice(3);
    return pouchApp(req, res);
  }
  res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  ready({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
process.on('SIGTERM', () => process.exit(0));
