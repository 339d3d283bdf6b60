/**
 * Server processes for deployment tests: N real `syncline-server` children
 * on the same node list, optionally connected by a Redis adapter, plus
 * socket clients that are closed with them.
 */
import { rm } from 'node:fs/promises';
import type { Socket } from 'socket.io-client';
import type { AckMode } from '@syncline/shared';
import { spawnServer, tempDir, type SpawnedServer } from '../../helpers/spawnServer.js';
import { connectClient } from '../../helpers/syncClient.js';
import type { PgInstance } from '../../helpers/pgInstances.js';
import { query } from './pgClient.js';

export interface ServerSpec {
  nodes: string[];
  ack: AckMode;
  redis?: string;
  /** 0 turns off the seq watcher, so pokes only travel through the adapter. */
  pollPokeMs?: number;
  writeTimeoutMs?: number;
  extraArgs?: string[];
}

export class Deployment {
  readonly servers: SpawnedServer[] = [];
  private readonly sockets: Socket[] = [];
  private readonly dirs: string[] = [];

  async startServers(count: number, spec: ServerSpec): Promise<SpawnedServer[]> {
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        spawnServer({
          dataDir: tempDir('syncline-deploy-'),
          args: [
            '--server-id',
            `srv${this.servers.length + i + 1}`,
            '--nodes',
            spec.nodes.join(','),
            '--ack',
            spec.ack,
            '--write-timeout-ms',
            String(spec.writeTimeoutMs ?? 2000),
            '--poll-poke-ms',
            String(spec.pollPokeMs ?? 1000),
            ...(spec.redis ? ['--redis', spec.redis] : []),
            ...(spec.extraArgs ?? []),
          ],
        }),
      ),
    );
    this.servers.push(...started);
    return started;
  }

  async client(server: SpawnedServer, clientId: string): Promise<Socket> {
    const s = await connectClient(server.url, { clientId });
    this.sockets.push(s);
    return s;
  }

  /** A temp dir removed with the deployment. */
  tempDir(prefix: string): string {
    const dir = tempDir(prefix);
    this.dirs.push(dir);
    return dir;
  }

  async dispose(): Promise<void> {
    for (const s of this.sockets.splice(0)) s.close();
    const servers = this.servers.splice(0);
    await Promise.all(servers.map((s) => s.kill('SIGKILL')));
    const dirs = [...servers.map((s) => s.dataDir), ...this.dirs.splice(0)];
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

let dbCounter = 0;

/** A fresh database on each instance (so tests in one file can share instances); returns their URLs. */
export async function freshDatabases(pgs: PgInstance[], prefix = 'deploy'): Promise<string[]> {
  const name = `${prefix}_${process.pid}_${++dbCounter}`;
  return Promise.all(
    pgs.map(async (p) => {
      await query(p.url, `CREATE DATABASE ${name}`);
      return p.url.replace(/\/postgres$/, `/${name}`);
    }),
  );
}

/** Every node's digest as the server reports it (GET /status?digests=1; down nodes are absent). */
export async function statusDigests(server: SpawnedServer): Promise<Record<string, string>> {
  const res = await fetch(`${server.url}/status?digests=1`);
  const body = (await res.json()) as { digests?: Record<string, string> };
  return body.digests ?? {};
}

export async function status(
  server: SpawnedServer,
): Promise<{ ready: boolean; nodes: { id: string; state: string; primary: boolean; repairing: boolean; lagOps: number }[] }> {
  const res = await fetch(`${server.url}/status`);
  return (await res.json()) as never;
}
