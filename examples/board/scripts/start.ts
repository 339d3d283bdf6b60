/**
 * `npm start`: the board on a local cluster. Builds the app if needed,
 * starts `syncline-server --processes 2` (two worker processes on 4001 and
 * 4002 sharing three SQLite nodes under ./.data, fanned out by the cluster
 * adapter), serves the app with a /config.json listing both, and prints the
 * addresses. Ctrl-C (or SIGTERM) stops it all; the workers drain.
 *
 * Beside the board runs its own backend (examples/backend): the servers
 * load its rules with `--extension`, and it posts a welcome card into every
 * new board over the HTTP API and logs every change from the feed.
 *
 * Environment: SYNCLINE_PORT (first port, default 4001), SYNCLINE_PROCESSES (2),
 * BOARD_PORT (5173), BACKEND_PORT (5174), SYNCLINE_DATA_DIR (./.data),
 * SYNCLINE_ACK (semi-sync), BOARD_HOST (127.0.0.1).
 */
import { resolve } from 'node:path';
import { ensureBuilt } from './ensureBuilt.js';
import { REPO_ROOT } from './paths.js';
import { serveBoard, type ServedBoard } from './serveBoard.js';
import { startServers, stopServers, type LocalCluster } from './startServers.js';
import { startBackend, type Backend } from '../../backend/src/backend.js';
import { EXTENSION_PATH } from '../../backend/src/paths.js';

const env = process.env;
const host = env.BOARD_HOST ?? '127.0.0.1';
const port = Number(env.SYNCLINE_PORT ?? 4001);
const processes = Number(env.SYNCLINE_PROCESSES ?? 2);
const boardPort = Number(env.BOARD_PORT ?? 5173);
const backendPort = Number(env.BACKEND_PORT ?? 5174);
const dataDir = resolve(REPO_ROOT, env.SYNCLINE_DATA_DIR ?? '.data');
const say = (line: string) => process.stdout.write(`${line}\n`);

let cluster: LocalCluster | undefined;
let web: ServedBoard | null = null;
let backend: Backend | undefined;
let stopping = false;

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`SYNCLINE_PORT must be a port, got ${env.SYNCLINE_PORT}`);
  if (!Number.isInteger(processes) || processes < 1)
    throw new Error(`SYNCLINE_PROCESSES must be a positive integer, got ${env.SYNCLINE_PROCESSES}`);
  await ensureBuilt({ log: say });
  // First, so the servers' extension can tell it about new boards; it learns the server URLs once they listen.
  let serverUrls: string[] = [];
  backend = await startBackend({ servers: () => serverUrls, port: backendPort, host, log: say });
  say(`starting syncline-server --processes ${processes} on ${dataDir} …`);
  cluster = await startServers({
    port,
    processes,
    dataDir,
    host,
    ack: env.SYNCLINE_ACK ?? 'semi-sync',
    extraArgs: ['--extension', EXTENSION_PATH],
    env: { BOARD_BACKEND_URL: backend.url },
    // Server logs are JSON (pino): show warnings and errors only.
    // Server logs are JSON (pino): show warnings and errors, and the primary's plain lines (restarts).
    log: (line) => (/"level":(40|50|60)/.test(line) || !line.startsWith('{') ? say(`[server] ${line}`) : undefined),
  });
  const { servers } = cluster;
  serverUrls = servers.map((s) => s.url);
  void cluster.exited.then((code) => {
    if (stopping) return;
    say(`syncline-server (pid ${cluster?.primary.pid}) exited (${code ?? 'killed'}); stopping`);
    void shutdown('server exit', 1);
  });
  web = await serveBoard({ config: { servers: servers.map((s) => s.url) }, port: boardPort, host });
  say('');
  say(`  Board app:   ${web.url}/   (open it in two browsers or windows; ?board=NAME picks a board)`);
  for (const s of servers) say(`  Server ${s.id}:  ${s.url}   pid ${s.pid}   (${s.url}/status, /metrics)`);
  say(`  Primary:     pid ${cluster.primary.pid} (node:cluster; pokes and presence cross workers via @socket.io/cluster-adapter)`);
  say(`  Storage:     three SQLite nodes in ${dataDir}`);
  say(`  Backend:     ${backend.url}   (examples/backend: card rules, welcome card, change log below as [backend] lines)`);
  say('');
  say(`  Failover demo: kill -9 ${servers[0]!.pid}  — the app moves to ${servers[1]?.url ?? 'the other server'};`);
  say(`                 the primary restarts that worker on ${servers[0]!.url} about a second later (new pid printed).`);
  say('  Ctrl-C stops everything.');
}

async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`\n${signal}: stopping (servers drain first)…`);
  await web?.close();
  await backend?.close();
  await stopServers(cluster);
  say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (err: unknown) => {
  process.stderr.write(`npm start: ${(err as Error).message ?? String(err)}\n`);
  stopping = true;
  await web?.close();
  await backend?.close();
  await stopServers(cluster);
  process.exit(1);
});
