/**
 * `syncline-server --processes N` in the primary process: forks the
 * workers, prints what it does (plain lines, so `npm start` shows them),
 * and on SIGTERM/SIGINT drains every worker and exits 0 (1 when a worker
 * had to be killed or failed its drain).
 */
import { randomUUID } from 'node:crypto';
import type { CliConfig } from '../cli/parseCli.js';
import { ClusterPrimary } from './ClusterPrimary.js';

export function runPrimary(cfg: CliConfig): void {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let exiting = false;
  const exit = (code: number) => {
    exiting = true;
    void primary.stop().finally(() => process.exit(code));
  };
  const primary = new ClusterPrimary({
    processes: cfg.processes,
    basePort: cfg.port,
    serverId: cfg.serverId ?? `srv-${randomUUID().slice(0, 8)}`,
    say,
    onFatal: (code) => {
      if (!exiting) exit(code);
    },
  });
  const stop = (signal: string) => {
    if (exiting) return;
    exiting = true;
    say(`syncline-server primary: ${signal}, draining ${cfg.processes} workers`);
    void primary.stop().then((clean) => {
      say(`syncline-server primary: stopped${clean ? '' : ' (a worker did not drain cleanly)'}`);
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const ports = cfg.port === 0 ? 'free ports' : `ports ${cfg.port}..${cfg.port + cfg.processes - 1}`;
  say(
    `syncline-server primary pid ${process.pid}: ${cfg.processes} workers on ${ports}, fan-out ${cfg.redis ? 'redis' : 'cluster adapter'}; a worker that dies is restarted on its port`,
  );
  primary.start();
}
