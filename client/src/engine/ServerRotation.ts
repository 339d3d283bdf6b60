/**
 * The ordered server list. The client stays on a server while it works and
 * moves to the next one (wrapping) on failure or drain. One full failed
 * round counts as one backoff step, so a single dead server costs no delay
 * while another one is up.
 */
export class ServerRotation {
  private index = 0;
  /** Consecutive failed connection attempts. */
  failures = 0;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new TypeError('Syncline: at least one server URL is required');
  }

  current(): string {
    return this.urls[this.index]!;
  }

  /** Moves to the next server; returns the backoff step to wait for (-1: none). */
  fail(): number {
    this.failures += 1;
    this.index = (this.index + 1) % this.urls.length;
    return this.failures >= this.urls.length ? this.failures - this.urls.length : -1;
  }

  /** A drain is not a failure: move on without backoff. */
  skip(): void {
    this.index = (this.index + 1) % this.urls.length;
  }

  succeeded(): void {
    this.failures = 0;
  }
}
