/**
 * `npm start`: the board on a local cluster. Builds the app if needed,
 * starts two syncline-server processes sharing three SQLite nodes under
 * ./.data, serves the app with a /config.json listing both servers, and
 * prints the addresses. Ctrl-C (or SIGTERM) stops it all; the servers drain.
 *
 * Environment: SYNCLINE_PORTS (default 4001,4002), BOARD_PORT (5173),
 * SYNCLINE_DATA_DIR (./.data), SYNCLINE_ACK (semi-sync), BOARD_HOST (127.0.0.1).
 */
import { resolve } from 'node:path';
import { ensureBuilt } from './ensureBuilt.js';
import { REPO_ROOT } from './paths.js';
import { serveBoard, type ServedBoard } from './serveBoard.js';
import { startServers, stopServers, type ClusterServer } from './startServers.js';

const env = process.env;
const host = env.BOARD_HOST ?? '127.0.0.1';
const ports = (env.SYNCLINE_PORTS ?? '4001,4002').split(',').map((p) => Number(p.trim()));
const boardPort = Number(env.BOARD_PORT ?? 5173);
const dataDir = resolve(REPO_ROOT, env.SYNCLINE_DATA_DIR ?? '.data');
const say = (line: string) => process.stdout.write(`${line}\n`);

let servers: ClusterServer[] = [];
let web: ServedBoard | null = null;
let stopping = false;

async function main(): Promise<void> {
  if (ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) throw new Error(`SYNCLINE_PORTS must be a comma list of ports, got ${env.SYNCLINE_PORTS}`);
  await ensureBuilt({ log: say });
  say(`starting ${ports.length} syncline-server processes on ${dataDir} …`);
  servers = await startServers({
    ports,
    dataDir,
    host,
    ack: env.SYNCLINE_ACK ?? 'semi-sync',
    // Server logs are JSON (pino): show warnings and errors only.
    log: (line) => (/"level":(40|50|60)/.test(line) || !line.includes('] {') ? say(line) : undefined),
  });
  for (const s of servers) {
    void s.exited.then((code) => {
      if (!stopping) say(`server ${s.id} (${s.url}) exited (${code ?? 'killed'}); clients fail over to the others`);
    });
  }
  web = await serveBoard({ config: { servers: servers.map((s) => s.url) }, port: boardPort, host });
  say('');
  say(`  Board app:   ${web.url}/   (open it in two browsers or windows; ?board=NAME picks a board)`);
  for (const s of servers) say(`  Server ${s.id}:   ${s.url}   pid ${s.proc.pid}   (${s.url}/status, /metrics)`);
  say(`  Storage:     three SQLite nodes in ${dataDir}`);
  say('');
  say(`  Failover demo: kill -9 ${servers[0]!.proc.pid}  — the app moves to ${servers[1]?.url ?? 'the other server'}`);
  say('  Ctrl-C stops everything.');
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`\n${signal}: stopping (servers drain first)…`);
  await web?.close();
  await stopServers(servers);
  say('stopped');
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (err: unknown) => {
  process.stderr.write(`npm start: ${(err as Error).message ?? String(err)}\n`);
  stopping = true;
  await web?.close();
  await stopServers(servers);
  process.exit(1);
});
