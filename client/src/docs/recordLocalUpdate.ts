/**
 * Records a local Yjs update: appended to `_docs` and queued in `_outbox` as
 * a `yjs` change with its own op id, in ONE transaction — so the document
 * never holds an edit the outbox lost, and an aborted write records nothing.
 * Op ids come from the same `_meta` counter the record middleware uses;
 * IndexedDB serializes transactions that write `_meta`, so ids never collide.
 * The three writes go out together (one wait, not three): requests of one
 * transaction run in the order they are issued.
 */
import { opIdOf, type AckMode } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { DOCS, META, OUTBOX } from '../db/internalStores.js';
import { MetaKeys, randomClientId } from '../db/meta.js';
import type { KeepUntil, MetaRow, OutboxRow } from '../db/rows.js';
import { docsTable } from './docRows.js';

export interface LocalUpdateOptions {
  clientId?: string;
  ack?: AckMode;
  keep: KeepUntil;
}

/**
 * Returns the `_docs` row id and the op id. `opId`: one reserved earlier
 * (OpIdBlock.ts, the edit was pushed under it already); used when it still
 * belongs to the stored client id, else a new one is taken from the counter.
 */
export async function recordLocalUpdate(
  db: Dexie,
  space: string,
  doc: string,
  update: Uint8Array,
  opts: LocalUpdateOptions,
  reservedOpId?: string,
): Promise<{ rowId: number; opId: string }> {
  return db.transaction('rw', [DOCS, OUTBOX, META], async () => {
    const meta = db.table<MetaRow, string>(META);
    const [idRow, counterRow] = await meta.bulkGet([MetaKeys.clientId, MetaKeys.counter]);
    const clientId = typeof idRow?.value === 'string' ? idRow.value : (opts.clientId ?? randomClientId());
    const stored = typeof counterRow?.value === 'number' ? counterRow.value : 0;
    const reserved = idRow && reservedOpId?.startsWith(`${clientId}:`) ? reservedOpId : undefined;
    const counter = reserved ? stored : stored + 1;
    const opId = reserved ?? opIdOf(clientId, counter);
    const row: OutboxRow = {
      opId,
      kind: 'yjs',
      space,
      table: DOCS,
      id: doc,
      hlc: '',
      update,
      status: 'pending',
      keep: opts.keep,
      createdAt: Date.now(),
      attempts: 0,
      ...(opts.ack ? { ack: opts.ack } : {}),
    };
    const metaRows: MetaRow[] = [{ key: MetaKeys.counter, value: counter }];
    if (!idRow) metaRows.push({ key: MetaKeys.clientId, value: clientId });
    const [rowId] = await Promise.all([
      docsTable(db).add({ space, doc, update, origin: 'local' }),
      db.table<OutboxRow, number>(OUTBOX).add(row),
      meta.bulkPut(metaRows),
    ]);
    return { rowId, opId };
  });
}
