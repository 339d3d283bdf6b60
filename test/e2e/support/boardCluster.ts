/**
 * What every e2e file needs: the built board app (built once, shared by all
 * files through ensureBuilt's lock), two real syncline-server processes
 * sharing three SQLite nodes in a fresh temp folder, a static server for
 * the app whose /config.json lists both servers, and Debian's Chromium.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureBuilt } from '../../../examples/board/scripts/ensureBuilt.js';
import { serveBoard, type ServedBoard } from '../../../examples/board/scripts/serveBoard.js';
import { launchBrowser } from '../../helpers/browser.js';
import { getJson } from '../../helpers/http.js';
import { spawnServer, tempDir, type SpawnedServer } from '../../helpers/spawnServer.js';

export interface BoardCluster {
  servers: SpawnedServer[];
  web: ServedBoard;
  browser: Browser;
  /** App address of a board (a fresh board id per test keeps tests apart). */
  boardUrl(board: string): string;
  /** Socket.IO clients connected, summed over the servers that are up. */
  connectedClients(): Promise<number>;
  stop(): Promise<void>;
}

/** Client tuning for tests: quick failover and recovery, same code paths as the defaults. */
export const TEST_ENGINE = { backoff: { baseMs: 100, maxMs: 1000 }, connectTimeoutMs: 3000, requestTimeoutMs: 4000, pullIntervalMs: 5000 };

export interface BoardClusterOptions {
  /** Extra `syncline-server` flags for both servers (e.g. `--max-pull-limit 3`). */
  serverArgs?: string[];
}

export async function startBoardCluster(opts: BoardClusterOptions = {}): Promise<BoardCluster> {
  const t0 = Date.now();
  const build = await ensureBuilt();
  const dataDir = tempDir('syncline-e2e-');
  // Both at once (SQLite nodes wait on each other's locks, schema creation is idempotent): saves a start-up per file.
  const servers = await Promise.all(
    ['s1', 's2'].map((id) => spawnServer({ dataDir, args: ['--server-id', id, '--poll-poke-ms', '300', ...(opts.serverArgs ?? [])] })),
  );
  const web = await serveBoard({ config: { servers: servers.map((s) => s.url), engine: TEST_ENGINE } });
  const browser = await launchBrowser();
  console.log(`e2e cluster up in ${Date.now() - t0} ms (${build.built ? `built the app in ${build.ms} ms` : 'app build up to date'})`);
  return {
    servers,
    web,
    browser,
    boardUrl: (board) => `${web.url}/?board=${board}`,
    async connectedClients() {
      let n = 0;
      for (const s of servers) {
        if (s.proc.exitCode !== null || s.proc.signalCode !== null) continue;
        n += (await getJson<{ connectedClients: number }>(`${s.url}/status`)).body.connectedClients;
      }
      return n;
    },
    async stop() {
      const t = Date.now();
      await browser.close().catch(() => undefined);
      await web.close();
      await Promise.all(servers.map((s) => s.stop()));
      console.log(`e2e cluster stopped in ${Date.now() - t} ms`);
    },
  };
}

export { eventually } from '../../helpers/wait.js';

let boards = 0;
export function uniqueBoard(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++boards}`;
}

/**
 * One board cluster per test file: started before its tests, stopped after
 * them. Call the returned function inside a test to get the cluster.
 */
export function useBoardCluster(opts: BoardClusterOptions = {}): () => BoardCluster {
  let cluster: BoardCluster | undefined;
  beforeAll(async () => {
    cluster = await startBoardCluster(opts);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('the board cluster did not start (see beforeAll)');
    return cluster;
  };
}
