import type { AckMode } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { markAck, type WriteAck } from './middleware/transactionFlags.js';

/**
 * Runs `fn` in a read-write transaction over `tables` whose writes ask the
 * server for `ack` (the server may cap it) and/or stay in the outbox
 * `until` replicated.
 *
 *   await sync.withAck({ ack: 'sync', until: 'replicated' }, ['cards'], () => db.cards.put(card));
 */
export function withAck<T>(db: Dexie, mode: WriteAck | AckMode, tables: string[], fn: () => T | Promise<T>): Promise<T> {
  const ack: WriteAck = typeof mode === 'string' ? { ack: mode } : mode;
  return db.transaction('rw', tables, async () => {
    markAck(ack);
    return fn();
  }) as Promise<T>;
}
