/**
 * Exactly one tab per database syncs. With Web Locks the browser holds an
 * exclusive lock `syncline:<db>` for the leader and hands it to the next
 * waiting tab when the leader's tab closes. Without Web Locks a
 * BroadcastChannel heartbeat stands in: a candidate that hears no leader
 * for `timeoutMs` claims; when two claim at once the lower id keeps it.
 * A brief double leader is harmless: pushes carry op ids, so a write sent
 * twice has one effect (G1).
 */
export interface LeaderOptions {
  heartbeatMs?: number;
  timeoutMs?: number;
  /** Force the fallback even where Web Locks exist (tests). */
  noWebLocks?: boolean;
}

export interface Election {
  /** Stops competing; a leader steps down. */
  close(): void;
}

type LocksLike = { request(name: string, cb: () => Promise<void>): Promise<void> };

export function electLeader(dbName: string, onChange: (leader: boolean) => void, opts: LeaderOptions = {}): Election {
  const locks = (globalThis.navigator as unknown as { locks?: LocksLike } | undefined)?.locks;
  if (locks && !opts.noWebLocks) return lockElection(locks, dbName, onChange);
  return heartbeatElection(dbName, onChange, opts);
}

function lockElection(locks: LocksLike, dbName: string, onChange: (leader: boolean) => void): Election {
  let release: (() => void) | null = null;
  let closed = false;
  void locks.request(`syncline:${dbName}`, () => {
    if (closed) return Promise.resolve();
    onChange(true);
    return new Promise<void>((resolve) => (release = resolve));
  });
  return {
    close() {
      closed = true;
      if (release) {
        release();
        onChange(false);
      }
    },
  };
}

type Beat = { type: 'beat' | 'probe'; id: string };

function heartbeatElection(dbName: string, onChange: (leader: boolean) => void, opts: LeaderOptions): Election {
  const heartbeatMs = opts.heartbeatMs ?? 250;
  const timeoutMs = opts.timeoutMs ?? 800;
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const bc = new BroadcastChannel(`syncline-leader:${dbName}`);
  let leader = false;
  let lastHeard = 0;
  const set = (v: boolean) => {
    if (v !== leader) onChange((leader = v));
  };
  bc.onmessage = (e: MessageEvent<Beat>) => {
    const m = e.data;
    if (m.type === 'probe') {
      if (leader) bc.postMessage({ type: 'beat', id });
      return;
    }
    lastHeard = Date.now();
    // Two leaders: the lower id wins, deterministically.
    if (leader && m.id < id) set(false);
  };
  const start = Date.now();
  bc.postMessage({ type: 'probe', id });
  const timer = setInterval(
    () => {
      if (leader) bc.postMessage({ type: 'beat', id });
      else if (Date.now() - Math.max(lastHeard, start) >= timeoutMs) {
        set(true);
        bc.postMessage({ type: 'beat', id });
      }
    },
    Math.min(heartbeatMs, timeoutMs / 2),
  );
  (timer as unknown as { unref?: () => void }).unref?.();
  (bc as unknown as { unref?: () => void }).unref?.();
  return {
    close() {
      clearInterval(timer);
      bc.close();
      set(false);
    },
  };
}
