/**
 * Per-transaction flags, keyed by the DBCore transaction object (the IDB
 * transaction underneath Dexie's). The engine marks its own writes as coming
 * from the server so the middleware does not record them again; `withAck`
 * marks the ack level app writes should ask for.
 */
import { Dexie } from 'dexie';
import type { AckMode } from '@syncline/shared';
import type { KeepUntil } from '../db/rows.js';

export interface WriteAck {
  ack?: AckMode;
  until?: KeepUntil;
  /** Set by `sync.write()`: the op ids recorded in this transaction are collected here. */
  track?: { writeId: string; opIds: string[] };
}

const fromServer = new WeakSet<object>();
const ackOf = new WeakMap<object, WriteAck>();

function currentCoreTransaction(): object {
  const trans = Dexie.currentTransaction as unknown as { idbtrans?: object } | null;
  if (!trans?.idbtrans) throw new TypeError('Syncline: must be called inside db.transaction()');
  return trans.idbtrans;
}

/** Marks the current Dexie transaction as applying server data. */
export function markFromServer(): void {
  fromServer.add(currentCoreTransaction());
}

export function isFromServer(trans: object): boolean {
  return fromServer.has(trans);
}

export function markAck(ack: WriteAck): void {
  ackOf.set(currentCoreTransaction(), ack);
}

export function ackFor(trans: object): WriteAck | undefined {
  return ackOf.get(trans);
}
