/**
 * The sync engine: keeps one connection to one server of an ordered list,
 * rotating on failure with jittered exponential backoff and immediately on
 * `drain`. Every (re)connect runs a fresh SyncSession: handshake, resubscribe,
 * pull since cursors, re-push the outbox. Transport-agnostic (see Transport).
 */
import { PROTOCOL_VERSION, SyncError, toSyncError, type AckMode, type DocChange } from '@syncline/shared';
import { META } from '../db/internalStores.js';
import { MetaKeys } from '../db/meta.js';
import type { MetaRow } from '../db/rows.js';
import { ObservableValue } from '../status/Observable.js';
import type { EngineStatus } from '../status/SyncStatus.js';
import { backoffDelay } from './backoff.js';
import type { EngineOptions } from './EngineOptions.js';
import { ensureClientId } from './ensureClientId.js';
import { bindClientId } from './bindClientId.js';
import { relayAwareness } from '../docs/relayAwareness.js';
import { ServerRotation } from './ServerRotation.js';
import { Signal } from './Signal.js';
import { SyncSession, type SessionEnd } from './SyncSession.js';
import type { Transport } from './Transport.js';
import { watchNetwork } from './watchNetwork.js';

/**
 * An unproven probe (see `reachable`) lets a refused attempt connect anyway once this many were refused
 * and this many backoff caps (`backoff.maxMs`, at least 2 s) passed since the last connect: with the defaults about one
 * WebSocket every 40 s, few enough that Chromium's throttle stays in the milliseconds.
 */
const UNPROVEN_PROBE_EVERY = 4;
/** …and never sooner than this after the last connect (a short backoff cap would otherwise fail WebSockets often). */
const UNPROVEN_MIN_SPACING_MS = 2000;

/** How often an engine every server refused for its protocol version tries again. */
const PROTOCOL_RECHECK_MS = 60 * 60 * 1000;

export class SyncEngine {
  readonly status = new ObservableValue<EngineStatus>({
    state: 'offline',
    server: null,
    serverId: null,
    lastPullAt: null,
    lastError: null,
  });
  private readonly rotation: ServerRotation;
  private readonly spaces: Set<string>;
  private readonly sleeper = new Signal();
  private session: SyncSession | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private clientId = '';
  private unwatchNetwork: () => void = () => {};
  /** Per server: whether the transport's probe answered while connected there (so a failed probe means down). */
  private readonly probes = new Map<string, boolean>();
  private readonly probesAsked = new Set<string>();
  /** Consecutive attempts a failed probe turned away. */
  private probeRefusals = 0;
  /** When `connect` was last called (an unproven probe's pass-through is spaced from it). */
  private lastConnectAt = 0;

  constructor(private readonly opts: EngineOptions) {
    this.rotation = new ServerRotation(opts.servers);
    this.spaces = new Set(opts.spaces ?? []);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unwatchNetwork = watchNetwork({
      offline: () => this.session?.stop(),
      online: () => {
        this.rotation.succeeded();
        this.sleeper.wake();
      },
    });
    this.loop = this.run().catch((err: unknown) => {
      // Only local database failures get here; they end syncing visibly, never silently.
      this.status.update({ state: 'offline', lastError: toSyncError(err).toWire() });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatchNetwork();
    this.session?.stop();
    this.sleeper.wake();
    await this.loop;
    this.status.update({ state: 'offline' });
  }

  /** The outbox changed (here or in another tab): push soon. */
  kick(): void {
    this.session?.wake();
  }

  /** A document edit to push now (EagerPush.ts): false when it did not go out (it waits in the outbox), true once answered. */
  pushNow(change: DocChange, ack?: AckMode): Promise<boolean> {
    return this.session?.pushNow(change, ack) ?? Promise.resolve(false);
  }

  async addSpaces(spaces: string[]): Promise<void> {
    const fresh = spaces.filter((s) => !this.spaces.has(s));
    for (const s of fresh) this.spaces.add(s);
    if (fresh.length) await this.session?.subscribe(fresh).catch(() => undefined);
  }

  /**
   * Before reconnecting after a failure: the transport's cheap look at the server (`probe`) instead of a
   * connect that fails. Browsers throttle new WebSockets after failed ones (Chromium: up to seconds per
   * connect once a dozen or so failed), so probing an unreachable server with connects delays the
   * connect that finally succeeds. A probe not yet proven at this server (it could be blocked where a
   * WebSocket is not, e.g. a CSP allowing only wss:) still lets an attempt through now and then;
   * one that failed while connected there is not asked again.
   */
  private async reachable(t: Transport, url: string, timeoutMs: number): Promise<boolean> {
    const proven = this.probes.get(url);
    if (!t.probe || this.opts.probe === false || proven === false) return true;
    if (await t.probe(url, timeoutMs)) {
      this.probeRefusals = 0;
      return true;
    }
    this.probeRefusals++;
    if (proven === true || this.probeRefusals < UNPROVEN_PROBE_EVERY) return false;
    const spacing = Math.max(UNPROVEN_MIN_SPACING_MS, UNPROVEN_PROBE_EVERY * (this.opts.backoff?.maxMs ?? 10_000));
    if (Date.now() - this.lastConnectAt < spacing) return false;
    this.probeRefusals = 0;
    return true;
  }

  /** Once per server, while connected: whether the probe works there. */
  private learnProbe(t: Transport, url: string, timeoutMs: number): void {
    if (!t.probe || this.opts.probe === false || this.probesAsked.has(url)) return;
    this.probesAsked.add(url);
    t.probe(url, timeoutMs).then(
      (ok) => this.probes.set(url, ok),
      () => this.probes.set(url, false),
    );
  }

  private async storedSpaces(): Promise<string[]> {
    const row = await this.opts.db.table<MetaRow, string>(META).get(MetaKeys.spaces);
    const stored = Array.isArray(row?.value) ? (row.value as string[]) : [];
    return [...new Set([...this.spaces, ...stored])];
  }

  private async run(): Promise<void> {
    this.clientId = await ensureClientId(this.opts.db, this.opts.clientId);
    // Consecutive PROTOCOL_VERSION refusals: retrying cannot fix an outdated client.
    let versionRefusals = 0;
    while (!this.stopped) {
      const url = this.rotation.current();
      this.status.update({ state: 'connecting', server: url });
      const t = this.opts.transport();
      let end: SessionEnd | null = null;
      let detachAwareness: (() => void) | null = null;
      try {
        const token = await this.opts.getToken?.();
        this.clientId = await bindClientId(this.opts.db, this.clientId, token);
        const auth = { clientId: this.clientId, protocol: PROTOCOL_VERSION, ...(token ? { token } : {}) };
        const connectTimeout = this.opts.connectTimeoutMs ?? 5000;
        // Only once every server failed in a round: a failover's first try of the next server connects at once.
        if (this.rotation.failures >= this.rotation.urls.length && !(await this.reachable(t, url, connectTimeout))) {
          throw new SyncError('UNAVAILABLE', `${url} is not reachable`);
        }
        this.lastConnectAt = Date.now();
        const welcome = await t.connect(url, auth, connectTimeout);
        this.learnProbe(t, url, connectTimeout);
        const session = new SyncSession(this.opts.db, t, this.opts, this.clientId, welcome, {
          onPulled: () => this.status.update({ lastPullAt: Date.now() }),
          onPushed: (o) => {
            // Retries that keep failing (e.g. NOT_ENOUGH_REPLICAS) must show, never look like quiet syncing.
            const err = o.rejected.at(-1)?.error ?? o.retryError;
            if (err) this.status.update({ lastError: err });
          },
          onError: (e) => this.status.update({ lastError: e.toWire() }),
          isStopped: () => this.stopped,
        });
        this.session = session;
        detachAwareness = relayAwareness(this.opts.db.name, t);
        this.status.update({ state: 'online', server: url, serverId: welcome.serverId, lastError: null });
        this.rotation.succeeded();
        versionRefusals = 0;
        if (this.stopped) session.stop();
        end = await session.run(await this.storedSpaces());
        if (end.kind === 'closed')
          this.status.update({ lastError: new SyncError('DISCONNECTED', `connection to ${url} lost: ${end.reason}`).toWire() });
      } catch (err) {
        const e = toSyncError(err);
        versionRefusals = e.code === 'PROTOCOL_VERSION' ? versionRefusals + 1 : 0;
        this.status.update({ lastError: e.toWire() });
      } finally {
        detachAwareness?.();
        this.session = null;
        try {
          t.close();
        } catch {
          // closing a broken transport must not stop the loop
        }
      }
      if (this.stopped) break;
      if (versionRefusals >= this.opts.servers.length) {
        // Every server speaks another protocol: the app must update. Stay offline with the
        // typed error in the status (local writes keep queueing) and look again only rarely.
        this.status.update({ state: 'offline' });
        await this.sleeper.wait(PROTOCOL_RECHECK_MS);
        versionRefusals = 0;
        continue;
      }
      this.status.update({ state: 'connecting' });
      if (end?.kind === 'drain') {
        // A draining server is healthy: move on now, no backoff.
        this.rotation.skip();
        continue;
      }
      const step = this.rotation.fail();
      if (step >= 0) {
        this.status.update({ state: 'offline' });
        await this.sleeper.wait(backoffDelay(step, this.opts.backoff, this.opts.random));
      }
    }
  }
}
