/**
 * Runtime configuration, fetched from `/config.json` (written by whoever
 * serves the app: `npm start` lists its servers there), so one build runs
 * against any cluster. The last good copy is kept in localStorage: an
 * offline reload has no network to fetch it from.
 */
import type { EngineTuning } from '@syncline/client';

export interface BoardConfig {
  /** Ordered Syncline server URLs; the client fails over in this order. */
  servers: string[];
  /** Optional engine tuning (backoff, timeouts) for this deployment. */
  engine?: EngineTuning;
}

const KEY = 'syncline-board:config';

export async function loadConfig(): Promise<BoardConfig> {
  try {
    const res = await fetch('/config.json', { cache: 'no-store', signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    const config = parse(await res.json());
    localStorage.setItem(KEY, JSON.stringify(config));
    return config;
  } catch (err) {
    const saved = localStorage.getItem(KEY);
    if (saved) return parse(JSON.parse(saved));
    throw new Error(`No server list: /config.json could not be loaded (${(err as Error).message}) and none was saved before.`, {
      cause: err,
    });
  }
}

function parse(raw: unknown): BoardConfig {
  const c = raw as Partial<BoardConfig> | null;
  if (!c || !Array.isArray(c.servers) || c.servers.length === 0 || !c.servers.every((s) => typeof s === 'string')) {
    throw new Error('config.json must be {"servers": ["http://host:port", ...]}');
  }
  return { servers: c.servers, ...(c.engine ? { engine: c.engine } : {}) };
}

/** The board in the URL (`?board=team-42`), else "demo". Board ids are Syncline spaces. */
export function boardIdFromUrl(href: string): string {
  const id = new URL(href).searchParams.get('board') ?? 'demo';
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : 'demo';
}
