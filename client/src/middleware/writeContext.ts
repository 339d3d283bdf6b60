/**
 * Per-transaction clock and op counter, loaded from `_meta` once and written
 * back after each recorded mutation. Transactions that write `_meta` are
 * serialized by IndexedDB, so two tabs never hand out the same op id.
 */
import { Hlc, opIdOf } from '@syncline/shared';
import type { DBCoreTable, DBCoreTransaction } from 'dexie';
import { MetaKeys, randomClientId } from '../db/meta.js';
import type { MetaRow } from '../db/rows.js';

export interface WriteContext {
  clientId: string;
  counter: number;
  clock: Hlc;
  nextOpId(): string;
  save(): Promise<unknown>;
}

export async function loadWriteContext(meta: DBCoreTable, trans: DBCoreTransaction, preferredClientId?: string): Promise<WriteContext> {
  const [idRow, counterRow, hlcRow] = (await meta.getMany({
    trans,
    keys: [MetaKeys.clientId, MetaKeys.counter, MetaKeys.hlc],
  })) as (MetaRow | undefined)[];
  const clientId = typeof idRow?.value === 'string' ? idRow.value : (preferredClientId ?? randomClientId());
  const clock = new Hlc(clientId);
  if (typeof hlcRow?.value === 'string') clock.observe(hlcRow.value);
  const ctx: WriteContext = {
    clientId,
    counter: typeof counterRow?.value === 'number' ? counterRow.value : 0,
    clock,
    nextOpId() {
      ctx.counter += 1;
      return opIdOf(clientId, ctx.counter);
    },
    save() {
      const values: MetaRow[] = [
        { key: MetaKeys.counter, value: ctx.counter },
        { key: MetaKeys.hlc, value: clock.last() },
      ];
      if (!idRow) values.push({ key: MetaKeys.clientId, value: clientId });
      return meta.mutate({ trans, type: 'put', values });
    },
  };
  return ctx;
}
