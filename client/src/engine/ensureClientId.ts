import type { Dexie } from 'dexie';
import { META } from '../db/internalStores.js';
import { MetaKeys, randomClientId } from '../db/meta.js';
import type { MetaRow } from '../db/rows.js';

/** The database's client id, created once and kept in `_meta`. */
export async function ensureClientId(db: Dexie, preferred?: string): Promise<string> {
  return db.transaction('rw', META, async () => {
    const meta = db.table<MetaRow, string>(META);
    const row = await meta.get(MetaKeys.clientId);
    if (typeof row?.value === 'string') return row.value;
    const id = preferred ?? randomClientId();
    await meta.put({ key: MetaKeys.clientId, value: id });
    return id;
  });
}
