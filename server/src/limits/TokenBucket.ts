/** A token bucket: `burst` tokens, refilled at `perSec`; one message takes one token. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSec);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Ms until the next token (a hint for the client's retry). */
  waitMs(): number {
    return Math.ceil(((1 - this.tokens) / this.perSec) * 1000);
  }
}
