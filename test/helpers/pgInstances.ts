/**
 * Throwaway PostgreSQL servers for deployment tests, each on its own free
 * loopback port, so a test can stop one in immediate mode (a crash: no
 * checkpoint, crash recovery on the next start) without touching the shared
 * server on 5432.
 *
 *   const pgs = await startPgInstances(3);
 *   await pgs[1].stop('immediate');   // node 2 is down
 *   await pgs[1].start();             // same port, same data
 *   await pgs[1].destroyData();       // a new empty cluster on the same port
 *   await Promise.all(pgs.map((p) => p.dispose()));
 *
 * Speed: initdb runs once per process into a template data dir and every
 * instance is a `cp -a` of it (initdb ≈ 0.7 s, a copy ≈ 0.1 s on the CI box).
 * initdb runs with --no-sync because the template is throwaway; the servers
 * themselves run with fsync on, since the tests are about durability.
 *
 * PostgreSQL refuses to run as root, so when we are root every binary runs
 * as the `postgres` OS user (runuser) on dirs chowned to it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';

const run = promisify(execFile);
const ROOT_PREFIX = 'syncline-pg-';
const PG_USER = process.env.SYNCLINE_PG_OS_USER ?? 'postgres';

export type PgStopMode = 'immediate' | 'fast';

export interface PgInstance {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly dataDir: string;
  readonly running: boolean;
  stop(mode?: PgStopMode): Promise<void>;
  start(): Promise<void>;
  /** Stop, wipe the data dir, put a fresh empty cluster in its place; starts it again unless `{ start: false }`. */
  destroyData(opts?: { start?: boolean }): Promise<void>;
  /** Stop (immediate) and delete everything. */
  dispose(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<ver>/bin`, or `PG_BIN_DIR`. */
export function pgBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL server binaries under ${base} (set PG_BIN_DIR)`);
  return join(base, versions[0], 'bin');
}

const asRoot = process.getuid?.() === 0;

/** argv for running a PostgreSQL binary as the right OS user. */
function pgArgv(bin: string, args: string[]): [string, string[]] {
  const path = join(pgBinDir(), bin);
  return asRoot ? ['runuser', ['-u', PG_USER, '--', path, ...args]] : [path, args];
}

async function pg(bin: string, args: string[], cwd: string): Promise<string> {
  const [cmd, argv] = pgArgv(bin, args);
  try {
    const { stdout } = await run(cmd, argv, { cwd, timeout: 60_000 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`, { cause: err });
  }
}

let rootDir: Promise<string> | undefined;
let templateDir: Promise<string> | undefined;
let owner: { uid: number; gid: number } | undefined;
const live = new Set<Instance>();
let instances = 0;

/** A temp dir owned by the postgres user (it must traverse and write it), tagged with our pid for the reaper. */
async function ownedTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, 'owner.pid'), String(process.pid));
  if (asRoot) {
    owner ??= {
      uid: Number(execFileSync('id', ['-u', PG_USER]).toString()),
      gid: Number(execFileSync('id', ['-g', PG_USER]).toString()),
    };
    await chown(dir, owner.uid, owner.gid);
  }
  return dir;
}

/** This process's dir for data dirs, logs and sockets; removed when its last instance is disposed. */
function root(): Promise<string> {
  rootDir ??= (async () => {
    reapOrphans();
    process.once('exit', cleanupSync);
    return ownedTempDir(ROOT_PREFIX);
  })();
  return rootDir;
}

const POSTGRESQL_CONF = `
listen_addresses = '127.0.0.1'
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 16MB
max_connections = 100
max_wal_size = 64MB
logging_collector = off
`;
// Trust only over the loopback interface and the private socket dir.
const PG_HBA = `local all all trust\nhost all all 127.0.0.1/32 trust\n`;

/**
 * One initdb'd, configured, empty data dir shared by every test process
 * (named after the server version and the config, so a config change makes a
 * new one). Built under a private name and renamed into place, so concurrent
 * processes never see half of one.
 */
function template(): Promise<string> {
  templateDir ??= (async () => {
    const version = pgBinDir().split('/').at(-2) ?? 'x';
    const tag = createHash('sha256')
      .update(version + POSTGRESQL_CONF + PG_HBA)
      .digest('hex')
      .slice(0, 10);
    const final = join(tmpdir(), `syncline-pgtemplate-${version}-${tag}`);
    if (existsSync(join(final, 'PG_VERSION'))) return final;
    const work = await ownedTempDir(`${ROOT_PREFIX}tmpl-`);
    const dir = join(work, 'data');
    await pg('initdb', ['-D', dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], work);
    await appendFile(join(dir, 'postgresql.conf'), POSTGRESQL_CONF);
    await writeFile(join(dir, 'pg_hba.conf'), PG_HBA);
    try {
      await rename(dir, final);
    } catch {
      // Another process won the race; its template is identical.
    }
    await rm(work, { recursive: true, force: true });
    return final;
  })();
  return templateDir;
}

class Instance implements PgInstance {
  running = false;
  private disposed = false;
  constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly sockDir: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async init(): Promise<void> {
    // cp -a as root keeps the postgres ownership and the 0700 mode initdb set.
    await run('cp', ['-a', await template(), this.dataDir]);
  }

  async start(): Promise<void> {
    if (this.running) return;
    live.add(this);
    await pg(
      'pg_ctl',
      ['start', '-w', '-t', '30', '-D', this.dataDir, '-l', `${this.dataDir}.log`, '-o', `-p ${this.port} -k ${this.sockDir}`],
      this.sockDir,
    );
    this.running = true;
  }

  async stop(mode: PgStopMode = 'fast'): Promise<void> {
    if (!this.running) return;
    await pg('pg_ctl', ['stop', '-w', '-t', '30', '-m', mode, '-D', this.dataDir], this.sockDir);
    this.running = false;
    live.delete(this);
  }

  async destroyData(opts: { start?: boolean } = {}): Promise<void> {
    await this.stop('immediate');
    await rm(this.dataDir, { recursive: true, force: true });
    await this.init();
    if (opts.start ?? true) await this.start();
  }

  async dispose(): Promise<void> {
    await this.wipe();
    if (this.disposed) return;
    this.disposed = true;
    await release(1);
  }

  /** Stop and delete the data dir and log, leaving the handle counted. */
  async wipe(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    live.delete(this);
    await rm(this.dataDir, { recursive: true, force: true });
    await rm(`${this.dataDir}.log`, { force: true });
  }
}

/** Forget `n` handles; the last one out removes this process's root dir. */
async function release(n: number): Promise<void> {
  instances -= n;
  if (instances > 0) return;
  const dir = await rootDir;
  rootDir = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
}

let counter = 0;

/** Starts `n` empty PostgreSQL servers in parallel, each on its own free loopback port. */
export async function startPgInstances(n: number): Promise<PgInstance[]> {
  instances += n;
  try {
    await template();
    const dir = await root();
    const started = await Promise.allSettled(Array.from({ length: n }, () => startOne(dir)));
    const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r) => r.status === 'rejected');
    if (!failed) return ok;
    await Promise.all(ok.map((i) => i.wipe()));
    throw failed.reason;
  } catch (err) {
    await release(n);
    throw err;
  }
}

async function startOne(dir: string): Promise<Instance> {
  const dataDir = join(dir, `pg${counter++}`);
  // A port found free can be taken before postgres binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    const inst = new Instance(await freePort(), dataDir, dir);
    await inst.init();
    try {
      await inst.start();
      return inst;
    } catch (err) {
      await inst.wipe();
      if (attempt >= 2) throw err;
    }
  }
}

/** At exit, stop what is still running so no postgres outlives the test process. */
function cleanupSync(): void {
  for (const inst of live) stopSync(inst.dataDir);
  const dirs = readdirSync(tmpdir()).filter((d) => d.startsWith(ROOT_PREFIX));
  for (const d of dirs) {
    const full = join(tmpdir(), d);
    if (ownerPid(full) === process.pid) rmSync(full, { recursive: true, force: true });
  }
}

function stopSync(dataDir: string): void {
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
  const [cmd, argv] = pgArgv('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', dataDir]);
  try {
    execFileSync(cmd, argv, { stdio: 'ignore', timeout: 20_000 });
  } catch {
    // Already gone.
  }
}

function ownerPid(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
  } catch {
    return undefined;
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

/** Instances left behind by a test process that was killed: stop them and free the disk. */
function reapOrphans(): void {
  for (const d of readdirSync(tmpdir()).filter((x) => x.startsWith(ROOT_PREFIX))) {
    const full = join(tmpdir(), d);
    const pid = ownerPid(full);
    if (pid === undefined || alive(pid)) continue;
    for (const sub of readdirSync(full)) stopSync(join(full, sub));
    rmSync(full, { recursive: true, force: true });
  }
}
