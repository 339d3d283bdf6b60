/**
 * The ordered server list. The client stays on a server while it works and
 * moves to the next one (wrapping) on failure or drain. Backoff is per
 * round, not per attempt: a server not tried since the last success (or
 * since the last backoff) is tried at once, and the client waits only after
 * every server failed in the round. So a dead server never delays the next
 * one, even after earlier rounds failed (a healthy server that was briefly
 * down is tried right after the dead one, not one growing delay later).
 */
export class ServerRotation {
  private index = 0;
  /** Servers that failed in the current round. */
  private readonly tried = new Set<number>();
  /** Rounds in which every server failed, since the last success. */
  private rounds = 0;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new TypeError('Syncline: at least one server URL is required');
  }

  current(): string {
    return this.urls[this.index]!;
  }

  /** Consecutive failed attempts since the last success (for display and tests). */
  get failures(): number {
    return this.rounds * this.urls.length + this.tried.size;
  }

  /** Moves to the next server; returns the backoff step to wait for before it (-1: none). */
  fail(): number {
    this.tried.add(this.index);
    this.index = (this.index + 1) % this.urls.length;
    if (!this.tried.has(this.index)) return -1;
    // Every server failed in this round: wait once, then a fresh round tries them all again.
    this.tried.clear();
    return this.rounds++;
  }

  /** A drain is not a failure: move on without backoff. */
  skip(): void {
    this.index = (this.index + 1) % this.urls.length;
  }

  succeeded(): void {
    this.tried.clear();
    this.rounds = 0;
  }
}
