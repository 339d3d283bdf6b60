import { Hlc, maxStamp, type RecordState } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { META } from '../db/internalStores.js';
import { MetaKeys } from '../db/meta.js';
import type { MetaRow } from '../db/rows.js';

/**
 * Folds remote stamps into the persisted clock (call inside a transaction
 * that includes `_meta`), so the next local write sorts after everything seen.
 */
export async function observeStamps(db: Dexie, clientId: string, states: RecordState[]): Promise<void> {
  const meta = db.table<MetaRow, string>(META);
  const row = await meta.get(MetaKeys.hlc);
  const clock = new Hlc(clientId);
  let changed = false;
  if (typeof row?.value === 'string') clock.observe(row.value);
  for (const s of states) {
    const max = maxStamp(s);
    if (max && (typeof row?.value !== 'string' || max > row.value)) {
      clock.observe(max);
      changed = true;
    }
  }
  if (changed) await meta.put({ key: MetaKeys.hlc, value: clock.last() });
}
