/**
 * A `syncline-server` child under `node --cpu-prof`, and a summary of the
 * profile it writes on exit: self time per function, busy vs idle.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './child.js';

export interface ProfiledServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startProfiledServer(
  args: string[],
  profDir: string,
  env: NodeJS.ProcessEnv = {},
  entry = join(REPO_ROOT, 'server/src/cli.ts'),
): Promise<ProfiledServer> {
  // profDir '' runs the server without the profiler (its sampling costs every thread CPU).
  const prof = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const proc = spawn(process.execPath, [...prof, '--conditions=@syncline/source', '--import', 'tsx', entry, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let out = '';
  const url = await new Promise<string>((res, rej) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /syncline-server listening on (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]!);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then(() => rej(new Error(`profiled server exited:\n${out}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: proc.pid!,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const AREAS: [string, RegExp][] = [
  ['fake-indexeddb', /fake-indexeddb/],
  ['Dexie', /dexie/i],
  ['Yjs / lib0', /node_modules\/(yjs|lib0|y-protocols)\//],
  ['Syncline client', /^client\/src\//],
  ['Syncline server', /^server\/src\//],
  ['Syncline shared', /^shared\/src\//],
  ['Socket.IO / engine.io / ws', /node_modules\/(socket\.io|engine\.io|ws|@socket\.io)[^/]*\//],
  ['zod', /node_modules\/zod\//],
  ['better-sqlite3', /better-sqlite3/],
  ['module loading (start-up)', /^node:internal\/modules|esm\/|tsx/],
  ['garbage collector', /^\(garbage collector\)/],
];

/** Self time grouped by package/area, largest first. */
export function areasOf(top: { frame: string; ms: number }[]): { area: string; ms: number }[] {
  const by = new Map<string, number>();
  for (const t of top) {
    const where = t.frame.split(' ').slice(1).join(' ') || t.frame;
    const area = AREAS.find(([, re]) => re.test(where) || re.test(t.frame))?.[0] ?? 'other';
    by.set(area, (by.get(area) ?? 0) + t.ms);
  }
  return [...by.entries()].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms);
}

/** Top `n` functions by self time, plus the share of samples the process was idle. */
export function summarizeProfile(
  profDir: string,
  n = 12,
  fileName?: string,
): { wallMs: number; idlePct: number; top: { frame: string; ms: number; pct: number }[] } {
  const file = fileName ?? readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${profDir}`);
  const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  let idle = 0;
  prof.samples.forEach((id, i) => {
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    const f = byId.get(id)!.callFrame;
    total += dt;
    if (f.functionName === '(idle)') idle += dt;
    const where = !f.url
      ? ''
      : f.url.startsWith('file://')
        ? relative(REPO_ROOT, f.url.slice(7))
        : f.url.replace(/^https?:\/\/[^/]+\//, '');
    const key = `${f.functionName || '(anonymous)'} ${where ? `${where}:${f.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const busy = total - idle;
  const top = [...self.entries()]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, ms]) => ({ frame, ms, pct: (ms / busy) * 100 }));
  return { wallMs: (prof.endTime - prof.startTime) / 1000, idlePct: (idle / total) * 100, top };
}
