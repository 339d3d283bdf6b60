export interface BackoffOptions {
  /** First delay (default 250 ms). */
  baseMs?: number;
  /** Cap (default 10 s). */
  maxMs?: number;
}

/**
 * "Equal jitter" exponential backoff: a random delay in [d/2, d] where
 * d = min(max, base * 2^attempt). The lower half-bound keeps a fleet of
 * clients from retrying in lock-step without ever retrying instantly.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 10_000;
  const d = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + random() * (d / 2));
}
