/**
 * A private redis-server for tests that restart or stop Redis, on its own
 * free loopback port: the shared Redis on 6379 is never touched.
 *
 *   const redis = await startRedisInstance();
 *   // --redis redis.url
 *   await redis.restart();   // kill -9 and start again on the same port, empty
 *   await redis.dispose();
 *
 * No persistence (`--save "" --appendonly no`): a restart loses every key
 * and pub/sub subscription, like a Redis host that was replaced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const PID_PREFIX = 'syncline-redis-';

export interface RedisInstance {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly running: boolean;
  /** Starts it again on the same port (after stop()). */
  start(): Promise<void>;
  /** Kills it (SIGKILL: no goodbye to clients). */
  stop(): Promise<void>;
  /** stop() then start() on the same port. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/** Resolves once the server answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

class Instance implements RedisInstance {
  private child: ChildProcess | undefined;
  private log = '';
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.log = '';
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    children.add(child);
    child.once('exit', () => {
      children.delete(child);
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
    writeFileSync(this.pidFile, `${process.pid} ${child.pid}`);
    const deadline = Date.now() + 10_000;
    while (!(await ping(this.port))) {
      const dead = await Promise.race([exited.then(() => true), sleep(50).then(() => false)]);
      if (dead || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on ${this.port} did not start: ${this.log.trim()}`);
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.pidFile, { force: true });
  }

  /** Who started which redis, for reapOrphans() when our process dies without cleanup. */
  private get pidFile(): string {
    return join(tmpdir(), `${PID_PREFIX}${this.port}.pid`);
  }
}

/**
 * A test process killed hard (vitest kills its forks) leaves its redis
 * behind; the next run kills those whose owner is gone. Only processes that
 * are still a redis-server on the recorded port are touched.
 */
function reapOrphans(): void {
  for (const f of readdirSync(tmpdir()).filter((x) => x.startsWith(PID_PREFIX))) {
    const file = join(tmpdir(), f);
    try {
      const [owner, pid] = readFileSync(file, 'utf8').split(' ').map(Number) as [number, number];
      if (alive(owner)) continue;
      const port = f.slice(PID_PREFIX.length, -'.pid'.length);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('redis-server') && cmd.includes(port)) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already, or not ours.
    }
    rmSync(file, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function startRedisInstance(): Promise<RedisInstance> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    reapOrphans();
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
  // A port found free can be taken before redis binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    const inst = new Instance(await freePort());
    try {
      await inst.start();
      return inst;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}
