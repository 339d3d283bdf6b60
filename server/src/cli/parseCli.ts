/**
 * Flags and env variables of `syncline-server`. A flag wins over its env
 * variable, which wins over the default. Pure: returns the config or
 * throws a usage error, so it is unit-testable.
 */
import { parseArgs } from 'node:util';
import { AckModes, DEFAULT_LIMITS, type AckMode } from '@syncline/shared';
import type { AuthOptions } from '../auth/AuthOptions.js';
import { DEFAULT_SERVER_LIMITS } from '../limits/defaults.js';
import type { Limits } from '../options.js';

export interface CliFlag {
  name: string;
  env: string;
  type: 'string' | 'boolean';
  arg?: string;
  def?: string;
  help: string;
}

type LimitKey = keyof Limits;
const ALL_LIMITS: Limits = { ...DEFAULT_LIMITS, ...DEFAULT_SERVER_LIMITS };
const LIMIT_FLAGS: [string, LimitKey][] = [];

function limitFlag(name: string, key: LimitKey, help: string): CliFlag[] {
  LIMIT_FLAGS.push([name, key]);
  const env = `SYNCLINE_${name.toUpperCase().replaceAll('-', '_')}`;
  return [{ name, env, type: 'string', arg: 'N', def: String(ALL_LIMITS[key]), help }];
}

export const FLAGS: CliFlag[] = [
  {
    name: 'port',
    env: 'SYNCLINE_PORT',
    type: 'string',
    arg: 'N',
    def: '4000',
    help: 'TCP port; 0 picks a free one (the real port is printed)',
  },
  { name: 'host', env: 'SYNCLINE_HOST', type: 'string', arg: 'ADDR', def: '127.0.0.1', help: 'interface to bind' },
  {
    name: 'nodes',
    env: 'SYNCLINE_NODES',
    type: 'string',
    arg: 'SPECS',
    help: 'comma list of storage nodes, primary first: sqlite:PATH or postgres://… (default: three SQLite files in the data dir)',
  },
  { name: 'ack', env: 'SYNCLINE_ACK', type: 'string', arg: 'MODE', def: 'semi-sync', help: 'default ack mode: sync | semi-sync | async' },
  {
    name: 'semi-sync-replicas',
    env: 'SYNCLINE_SEMI_SYNC_REPLICAS',
    type: 'string',
    arg: 'K',
    def: '1',
    help: 'replicas that must commit besides the primary in semi-sync',
  },
  {
    name: 'max-ack',
    env: 'SYNCLINE_MAX_ACK',
    type: 'string',
    arg: 'MODE',
    help: 'strongest ack mode a client may request per write; stronger requests get this one (default: no cap)',
  },
  {
    name: 'fallback',
    env: 'SYNCLINE_FALLBACK',
    type: 'string',
    arg: 'WHAT',
    def: 'reject',
    help: 'too few nodes for the mode: reject (NOT_ENOUGH_REPLICAS) | degrade (ack degraded once the primary committed)',
  },
  {
    name: 'processes',
    env: 'SYNCLINE_PROCESSES',
    type: 'string',
    arg: 'N',
    def: '1',
    help: 'worker processes on this host (node:cluster), worker i on --port + i, same --nodes; see Processes below',
  },
  {
    name: 'redis',
    env: 'SYNCLINE_REDIS',
    type: 'string',
    arg: 'URL',
    help: 'Redis URL for cross-server fan-out (@socket.io/redis-adapter)',
  },
  { name: 'data-dir', env: 'SYNCLINE_DATA_DIR', type: 'string', arg: 'DIR', def: './.data', help: 'folder of the default SQLite nodes' },
  {
    name: 'server-id',
    env: 'SYNCLINE_SERVER_ID',
    type: 'string',
    arg: 'ID',
    help: 'id in logs, metrics, welcome and re-stamped HLCs (default: random)',
  },
  {
    name: 'write-timeout-ms',
    env: 'SYNCLINE_WRITE_TIMEOUT_MS',
    type: 'string',
    arg: 'MS',
    def: '5000',
    help: 'a write not acked by then is answered indeterminate',
  },
  {
    name: 'max-clock-skew-ms',
    env: 'SYNCLINE_MAX_CLOCK_SKEW_MS',
    type: 'string',
    arg: 'MS',
    def: '60000',
    help: 'HLC stamps further ahead of the server clock are re-stamped',
  },
  {
    name: 'poll-poke-ms',
    env: 'SYNCLINE_POLL_POKE_MS',
    type: 'string',
    arg: 'MS',
    def: '1000',
    help: 'interval of the seq watcher poking rooms for writes made by other processes; 0 = off',
  },
  {
    name: 'allowed-origins',
    env: 'SYNCLINE_ALLOWED_ORIGINS',
    type: 'string',
    arg: 'LIST',
    help: 'origins (comma list, or *) a browser page may open a WebSocket from; default: any with token auth, else loopback pages and the server host only',
  },
  {
    name: 'admin-token',
    env: 'SYNCLINE_ADMIN_TOKEN',
    type: 'string',
    arg: 'TOKEN',
    help: 'enables /admin/* with Authorization: Bearer TOKEN (without it /admin/* exists only on loopback)',
  },
  {
    name: 'auth-secret',
    env: 'SYNCLINE_AUTH_SECRET',
    type: 'string',
    arg: 'SECRET',
    help: 'verify client tokens (JWT) with this HS256 shared secret (>= 32 bytes); prefer the env variable',
  },
  {
    name: 'auth-jwks',
    env: 'SYNCLINE_AUTH_JWKS',
    type: 'string',
    arg: 'URL|PATH',
    help: 'verify client tokens with a JWKS: https URL (fetched, cached) or a JSON file',
  },
  { name: 'auth-issuer', env: 'SYNCLINE_AUTH_ISSUER', type: 'string', arg: 'ISS', help: 'required token issuer (iss); comma list allowed' },
  {
    name: 'auth-audience',
    env: 'SYNCLINE_AUTH_AUDIENCE',
    type: 'string',
    arg: 'AUD',
    help: 'required token audience (aud); comma list allowed',
  },
  {
    name: 'max-token-lifetime-s',
    env: 'SYNCLINE_MAX_TOKEN_LIFETIME_S',
    type: 'string',
    arg: 'S',
    def: '86400',
    help: 'refuse tokens whose exp lies further than S seconds after their iat (or now); 0 = no maximum',
  },
  {
    name: 'auth-clock-tolerance-s',
    env: 'SYNCLINE_AUTH_CLOCK_TOLERANCE_S',
    type: 'string',
    arg: 'S',
    def: '30',
    help: 'tolerated clock difference with the token issuer (exp/nbf)',
  },
  ...limitFlag('max-batch', 'maxBatch', 'changes per push'),
  ...limitFlag('max-record-bytes', 'maxRecordBytes', 'bytes per change (JSON size; yjs/awareness update size)'),
  ...limitFlag('max-message-bytes', 'maxMessageBytes', 'bytes per Socket.IO message (larger: connection closed)'),
  ...limitFlag('max-pull-limit', 'maxPullLimit', 'rows per pull page'),
  ...limitFlag('max-subscriptions', 'maxSubscriptions', 'subscribed spaces per connection'),
  ...limitFlag('rate-limit', 'messagesPerSec', 'messages per second per connection (token bucket; 0 = off)'),
  ...limitFlag('rate-burst', 'messageBurst', 'messages a connection may send at once above the rate'),
  ...limitFlag('max-json-depth', 'maxJsonDepth', 'deepest object/array nesting in a message'),
  {
    name: 'extension',
    env: 'SYNCLINE_EXTENSION',
    type: 'string',
    arg: 'PATHS',
    help: 'comma list of ES modules whose default export is a server Extension (e.g. a validateChange hook; docs/backend.md)',
  },
  {
    name: 'log-level',
    env: 'SYNCLINE_LOG_LEVEL',
    type: 'string',
    arg: 'LEVEL',
    def: 'info',
    help: 'pino level: fatal | error | warn | info | debug | trace | silent',
  },
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
  maxAck: AckMode | undefined;
  /** Worker processes; 1 = this process serves (no node:cluster). */
  processes: number;
  redis: string | undefined;
  dataDir: string;
  serverId: string | undefined;
  writeTimeoutMs: number;
  maxClockSkewMs: number;
  pollPokeMs: number;
  adminToken: string | undefined;
  allowedOrigins: string[] | '*' | undefined;
  /** Token authentication; undefined: the server is open (dev). */
  auth: AuthOptions | undefined;
  limits: Limits;
  logLevel: string;
  /** Extension modules to load (`--extension`). */
  extensions: string[];
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
  const nodes =
    get('nodes')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [1, 2, 3].map((i) => `sqlite:${dataDir}/node${i}.db`);
  if (nodes.length === 0) throw new UsageError('--nodes needs at least one node spec');
  const port = int('port', get('port'), 0, 65535);
  const processes = int('processes', get('processes'), 1, 64);
  if (port !== 0 && port + processes - 1 > 65535) throw new UsageError(`--port ${port} + --processes ${processes} runs past port 65535`);
  return {
    help: values.help === true,
    port,
    host: get('host')!,
    nodes,
    ack: oneOf('ack', get('ack'), AckModes),
    semiSyncReplicas: int('semi-sync-replicas', get('semi-sync-replicas'), 0, 1000),
    fallback: oneOf('fallback', get('fallback'), ['reject', 'degrade'] as const),
    maxAck: get('max-ack') === undefined ? undefined : oneOf('max-ack', get('max-ack'), AckModes),
    processes,
    redis: get('redis'),
    dataDir,
    serverId: get('server-id'),
    writeTimeoutMs: int('write-timeout-ms', get('write-timeout-ms'), 1, 3_600_000),
    maxClockSkewMs: int('max-clock-skew-ms', get('max-clock-skew-ms'), 0, 365 * 86_400_000),
    pollPokeMs: int('poll-poke-ms', get('poll-poke-ms'), 0, 3_600_000),
    adminToken: get('admin-token'),
    allowedOrigins: origins(get('allowed-origins')),
    auth: authConfig(get),
    limits: Object.fromEntries(LIMIT_FLAGS.map(([flag, key]) => [key, int(flag, get(flag), 0, 2 ** 31 - 1)])) as Limits,
    logLevel: get('log-level')!,
    extensions:
      get('extension')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [],
  };
}

function authConfig(get: (name: string) => string | undefined): AuthOptions | undefined {
  const secret = get('auth-secret');
  const jwks = get('auth-jwks');
  const list = (v: string | undefined) =>
    v
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (secret === undefined && jwks === undefined) {
    if (get('auth-issuer') !== undefined || get('auth-audience') !== undefined)
      throw new UsageError('--auth-issuer/--auth-audience need --auth-secret or --auth-jwks');
    return undefined;
  }
  if (secret !== undefined && jwks !== undefined) throw new UsageError('give one of --auth-secret or --auth-jwks, not both');
  if (secret !== undefined && Buffer.byteLength(secret) < 32) throw new UsageError('--auth-secret must be at least 32 bytes');
  return {
    ...(secret !== undefined ? { secret } : { jwks }),
    issuer: list(get('auth-issuer')),
    audience: list(get('auth-audience')),
    clockToleranceSec: int('auth-clock-tolerance-s', get('auth-clock-tolerance-s'), 0, 86_400),
    maxTokenLifetimeSec: int('max-token-lifetime-s', get('max-token-lifetime-s'), 0, 10 * 365 * 86_400),
  };
}

function origins(raw: string | undefined): string[] | '*' | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '*') return '*';
  return raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

function int(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got ${raw}`);
  return n;
}

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(' | ')}, got ${raw}`);
  return raw as T;
}
