/**
 * Hybrid logical clock. A stamp is a fixed-width string so that plain string
 * comparison orders stamps: 15 digits of wall milliseconds, 6 digits of
 * logical counter, then the id of the node (client or server) that made it,
 * which breaks ties between equal times deterministically.
 *
 *   000001764151200000-000000-client-a
 */
export interface HlcParts {
  ms: number;
  counter: number;
  node: string;
}

const MS_WIDTH = 15;
const COUNTER_WIDTH = 6;
const MAX_COUNTER = 10 ** COUNTER_WIDTH - 1;

export function encodeHlc(p: HlcParts): string {
  return `${String(p.ms).padStart(MS_WIDTH, '0')}-${String(p.counter).padStart(COUNTER_WIDTH, '0')}-${p.node}`;
}

const STAMP = /^(\d{15})-(\d{6})-(.+)$/;

export function isHlc(stamp: string): boolean {
  return STAMP.test(stamp);
}

export function decodeHlc(stamp: string): HlcParts {
  const m = STAMP.exec(stamp);
  if (!m) throw new Error(`invalid HLC stamp: ${stamp}`);
  return { ms: Number(m[1]), counter: Number(m[2]), node: m[3]! };
}

export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface HlcOptions {
  /** Wall clock; injectable for tests. */
  now?: () => number;
}

/**
 * A clock owned by one node. `now()` stamps a local event; `observe()` folds
 * in a stamp received from elsewhere so later local stamps sort after it.
 * Stamps never go backwards, even when the wall clock does.
 */
export class Hlc {
  private ms = 0;
  private counter = 0;
  private readonly wall: () => number;

  constructor(
    readonly node: string,
    opts: HlcOptions = {},
  ) {
    if (!node || node.includes('\n')) throw new Error('HLC node id must be a non-empty single-line string');
    this.wall = opts.now ?? Date.now;
  }

  now(): string {
    const wall = this.wall();
    if (wall > this.ms) {
      this.ms = wall;
      this.counter = 0;
    } else {
      this.bump();
    }
    return encodeHlc({ ms: this.ms, counter: this.counter, node: this.node });
  }

  observe(stamp: string): void {
    const remote = decodeHlc(stamp);
    const wall = this.wall();
    const ms = Math.max(this.ms, remote.ms, wall);
    if (ms === this.ms && ms === remote.ms) this.counter = Math.max(this.counter, remote.counter);
    else if (ms === remote.ms) this.counter = remote.counter;
    else if (ms !== this.ms) this.counter = 0;
    this.ms = ms;
  }

  /** The last stamp handed out or observed (for persistence). */
  last(): string {
    return encodeHlc({ ms: this.ms, counter: this.counter, node: this.node });
  }

  private bump(): void {
    if (this.counter >= MAX_COUNTER) {
      // Counter exhausted within one millisecond: borrow the next millisecond.
      this.ms += 1;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
  }
}

/** Milliseconds by which `stamp` is ahead of `wallMs` (negative when behind). */
export function hlcDriftMs(stamp: string, wallMs: number): number {
  return decodeHlc(stamp).ms - wallMs;
}
