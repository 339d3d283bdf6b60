/**
 * Flags and env variables of `syncline-server`. A flag wins over its env
 * variable, which wins over the default. Pure: returns the config or
 * throws a usage error, so it is unit-testable.
 */
import { parseArgs } from 'node:util';
import { AckModes, type AckMode } from '@syncline/shared';

export interface CliFlag {
  name: string;
  env: string;
  type: 'string' | 'boolean';
  arg?: string;
  def?: string;
  help: string;
}

export const FLAGS: CliFlag[] = [
  { name: 'port', env: 'SYNCLINE_PORT', type: 'string', arg: 'N', def: '4000', help: 'TCP port; 0 picks a free one (the real port is printed)' },
  { name: 'host', env: 'SYNCLINE_HOST', type: 'string', arg: 'ADDR', def: '127.0.0.1', help: 'interface to bind' },
  { name: 'nodes', env: 'SYNCLINE_NODES', type: 'string', arg: 'SPECS', help: 'comma list of storage nodes, primary first: sqlite:PATH or postgres://… (default: three SQLite files in the data dir)' },
  { name: 'ack', env: 'SYNCLINE_ACK', type: 'string', arg: 'MODE', def: 'semi-sync', help: 'default ack mode: sync | semi-sync | async' },
  { name: 'semi-sync-replicas', env: 'SYNCLINE_SEMI_SYNC_REPLICAS', type: 'string', arg: 'K', def: '1', help: 'replicas that must commit besides the primary in semi-sync' },
  { name: 'fallback', env: 'SYNCLINE_FALLBACK', type: 'string', arg: 'WHAT', def: 'reject', help: 'too few nodes for the mode: reject (NOT_ENOUGH_REPLICAS) | degrade (ack degraded once the primary committed)' },
  { name: 'redis', env: 'SYNCLINE_REDIS', type: 'string', arg: 'URL', help: 'Redis URL for cross-server fan-out (@socket.io/redis-adapter)' },
  { name: 'data-dir', env: 'SYNCLINE_DATA_DIR', type: 'string', arg: 'DIR', def: './.data', help: 'folder of the default SQLite nodes' },
  { name: 'server-id', env: 'SYNCLINE_SERVER_ID', type: 'string', arg: 'ID', help: 'id in logs, metrics, welcome and re-stamped HLCs (default: random)' },
  { name: 'write-timeout-ms', env: 'SYNCLINE_WRITE_TIMEOUT_MS', type: 'string', arg: 'MS', def: '5000', help: 'a write not acked by then is answered indeterminate' },
  { name: 'max-clock-skew-ms', env: 'SYNCLINE_MAX_CLOCK_SKEW_MS', type: 'string', arg: 'MS', def: '60000', help: 'HLC stamps further ahead of the server clock are re-stamped' },
  { name: 'poll-poke-ms', env: 'SYNCLINE_POLL_POKE_MS', type: 'string', arg: 'MS', def: '1000', help: 'interval of the seq watcher poking rooms for writes made by other processes; 0 = off' },
  { name: 'admin-token', env: 'SYNCLINE_ADMIN_TOKEN', type: 'string', arg: 'TOKEN', help: 'enables /admin/* with Authorization: Bearer TOKEN (without it /admin/* exists only on loopback)' },
  { name: 'log-level', env: 'SYNCLINE_LOG_LEVEL', type: 'string', arg: 'LEVEL', def: 'info', help: 'pino level: fatal | error | warn | info | debug | trace | silent' },
  { name: 'help', env: '', type: 'boolean', help: 'print this help' },
];

export interface CliConfig {
  help: boolean;
  port: number;
  host: string;
  nodes: string[];
  ack: AckMode;
  semiSyncReplicas: number;
  fallback: 'reject' | 'degrade';
  redis: string | undefined;
  dataDir: string;
  serverId: string | undefined;
  writeTimeoutMs: number;
  maxClockSkewMs: number;
  pollPokeMs: number;
  adminToken: string | undefined;
  logLevel: string;
}

export class UsageError extends Error {}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.type }]));
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const get = (name: string): string | undefined => {
    const flag = FLAGS.find((f) => f.name === name)!;
    const v = values[name];
    if (typeof v === 'string') return v;
    const e = flag.env ? env[flag.env] : undefined;
    return e !== undefined && e !== '' ? e : flag.def;
  };
  const dataDir = get('data-dir')!;
  const nodes = get('nodes')?.split(',').map((s) => s.trim()).filter(Boolean) ?? [1, 2, 3].map((i) => `sqlite:${dataDir}/node${i}.db`);
  if (nodes.length === 0) throw new UsageError('--nodes needs at least one node spec');
  return {
    help: values.help === true,
    port: int('port', get('port'), 0, 65535),
    host: get('host')!,
    nodes,
    ack: oneOf('ack', get('ack'), AckModes),
    semiSyncReplicas: int('semi-sync-replicas', get('semi-sync-replicas'), 0, 1000),
    fallback: oneOf('fallback', get('fallback'), ['reject', 'degrade'] as const),
    redis: get('redis'),
    dataDir,
    serverId: get('server-id'),
    writeTimeoutMs: int('write-timeout-ms', get('write-timeout-ms'), 1, 3_600_000),
    maxClockSkewMs: int('max-clock-skew-ms', get('max-clock-skew-ms'), 0, 365 * 86_400_000),
    pollPokeMs: int('poll-poke-ms', get('poll-poke-ms'), 0, 3_600_000),
    adminToken: get('admin-token'),
    logLevel: get('log-level')!,
  };
}

function int(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}, got ${raw}`);
  return n;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(' | ')}, got ${raw}`);
  return raw as T;
}
