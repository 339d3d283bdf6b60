/**
 * Server-side limits beyond DEFAULT_LIMITS (which the `welcome` reports):
 * per-connection message rate and JSON nesting depth. Generous enough
 * that a well-behaved client (batched pushes, presence at ~30/s) never
 * meets them; they bound a hostile one.
 */
export const DEFAULT_SERVER_LIMITS = {
  /** Sustained messages per second per connection (0 = unlimited). */
  messagesPerSec: 500,
  /** Messages a connection may send at once above the sustained rate. */
  messageBurst: 1000,
  /** Deepest nesting of objects/arrays in a message. */
  maxJsonDepth: 64,
} as const;
