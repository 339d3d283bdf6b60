/**
 * Protocol fuzz test against a REAL server child process (fast-check,
 * seeded: the seed is printed, SYNCLINE_SEED=<n> reproduces a run).
 *
 * Thousands of random and mutated-valid messages on every event — with an
 * ack callback, without one, with the ack as the only argument, with extra
 * arguments; unknown and reserved event names — plus raw malformed
 * Socket.IO frames below the client library. Asserted throughout: the
 * process stays alive and /healthz answers 200; every message that carries
 * an ack gets a reply that is either the event's success shape or
 * `{ error: WireError }` with a code from ErrorCodes (never INTERNAL); a
 * well-behaved client keeps pushing and pulling correctly the whole time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { testSeed } from '../../shared/src/testSeed.js';
import { spawnServer, type SpawnedServer } from '../helpers/spawnServer.js';
import { connectClient } from '../helpers/syncClient.js';
import { SECRET, hsToken } from './support/tokens.js';
import { FUZZ_CLIENT, fuzzCase, type FuzzCase } from './support/fuzzArbitraries.js';
import { replyProblem } from './support/replyShape.js';
import { WellBehaved } from './support/wellBehaved.js';
import { rawConnect, rawFrame } from './support/rawFrames.js';

const SEED = testSeed('protocol fuzz');
const CASES = Number(process.env.SYNCLINE_FUZZ_CASES ?? 3000);
const RAW_CASES = Number(process.env.SYNCLINE_FUZZ_RAW_CASES ?? 1000);
const MIN_CASES = 1000;
const TIME_LIMIT_MS = Number(process.env.SYNCLINE_FUZZ_MS ?? 35_000);

let srv: SpawnedServer;
let good: Socket;
let bystander: WellBehaved;
let fuzzToken: string;

beforeAll(async () => {
  // High rate limit: the fuzzer should reach the handlers, not the bucket (limits.test.ts covers that).
  srv = await spawnServer({
    args: ['--auth-secret', SECRET, '--ack', 'async', '--rate-limit', '100000', '--rate-burst', '100000', '--poll-poke-ms', '100'],
  });
  // Tokens without `sub` (service-style), so the fixed client ids need no subject binding.
  fuzzToken = await hsToken({ spaces: { f1: 'write', f2: 'read' } });
  good = await connectClient(srv.url, { clientId: 'good', token: await hsToken({ spaces: { good: 'write' } }) });
  bystander = new WellBehaved(good, 'good', 'good');
  bystander.start();
});
afterAll(async () => {
  await bystander?.stop();
  good?.close();
  await srv?.kill('SIGKILL');
});

async function alive(): Promise<void> {
  expect(srv.proc.exitCode, srv.output()).toBeNull();
  expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
}

let fuzzer: Socket | undefined;
async function fuzzSocket(): Promise<Socket> {
  if (fuzzer?.connected) return fuzzer;
  fuzzer?.close();
  fuzzer = await connectClient(srv.url, { clientId: FUZZ_CLIENT, token: fuzzToken });
  return fuzzer;
}

/** Sends one case; resolves with the reply when the case carries an ack. */
function send(s: Socket, c: FuzzCase): Promise<{ reply?: unknown; timedOut?: boolean }> {
  if (c.shape === 'noAck') {
    s.emit(c.event, c.payload, ...c.extra);
    return Promise.resolve({});
  }
  const args = c.shape === 'ackOnly' ? [] : [c.payload, ...c.extra];
  return new Promise((resolve) => {
    s.timeout(8000).emit(c.event, ...args, (err: Error | null, reply: unknown) => resolve(err ? { timedOut: !s.disconnected } : { reply }));
  });
}

const describeCase = (c: FuzzCase) =>
  JSON.stringify(c, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v))?.slice(0, 600);

describe('protocol fuzz (real server process)', () => {
  it(`answers ${CASES} random and mutated messages with typed replies and never crashes`, async () => {
    let n = 0;
    const t0 = Date.now();
    const seenCodes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fuzzCase, async (c) => {
        const s = await fuzzSocket();
        const { reply, timedOut } = await send(s, c);
        if (++n % 250 === 0) {
          await alive();
          if (process.env.SYNCLINE_FUZZ_VERBOSE) console.log(`[fuzz] ${n} cases, ${Date.now() - t0} ms`);
        }
        if (c.shape === 'noAck' || !s.connected) return; // nothing to check (a disconnect is checked by `alive`)
        if (timedOut) throw new Error(`no reply to ${describeCase(c)}`);
        const problem = replyProblem(c.event, reply);
        if (problem) throw new Error(`${problem}: ${describeCase(c)} -> ${JSON.stringify(reply)?.slice(0, 400)}`);
        const code = (reply as { error?: { code: string } }).error?.code ?? 'ok';
        seenCodes.set(code, (seenCodes.get(code) ?? 0) + 1);
      }),
      // Bounded in time on a loaded machine; at least MIN_CASES must have run.
      { seed: SEED, numRuns: CASES, endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
    );
    await alive();
    expect(n).toBeGreaterThanOrEqual(Math.min(CASES, MIN_CASES));
    console.log(
      `[fuzz] ${n} cases in ${Date.now() - t0} ms; replies by code: ${JSON.stringify(Object.fromEntries(seenCodes))}; bystander rounds: ${bystander.rounds}`,
    );
    // The fuzzer reached the handlers, not only the schema.
    expect(seenCodes.get('ok') ?? 0).toBeGreaterThan(n / 10);
    expect(seenCodes.get('INVALID_MESSAGE') ?? 0).toBeGreaterThan(n / 10);
    expect(seenCodes.get('FORBIDDEN') ?? 0).toBeGreaterThan(0);
    expect(bystander.failures).toEqual([]);
    expect(bystander.rounds).toBeGreaterThan(20);
  });

  it(`survives ${RAW_CASES} malformed raw Socket.IO frames`, async () => {
    let ws = await rawConnect(srv.url, { clientId: 'raw', protocol: 1, token: fuzzToken });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(rawFrame, async (frame) => {
        if (ws.readyState !== ws.OPEN) ws = await rawConnect(srv.url, { clientId: 'raw', protocol: 1, token: fuzzToken });
        ws.send(frame);
        if (++n % 100 === 0) await alive();
      }),
      { seed: SEED, numRuns: RAW_CASES },
    );
    ws.close();
    await alive();
    const before = bystander.rounds;
    await new Promise((r) => setTimeout(r, 300));
    expect(bystander.rounds).toBeGreaterThan(before);
    expect(bystander.failures).toEqual([]);
  });
});
