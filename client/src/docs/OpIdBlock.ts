/**
 * Op ids an open document can hand out without a transaction, so an edit can
 * be pushed before its outbox row is written (engine/EagerPush.ts). A block
 * of counter values is reserved in `_meta` in one transaction — the same
 * counter the record middleware and `recordLocalUpdate` advance, and
 * IndexedDB serializes transactions that write `_meta`, so ids stay unique
 * across tabs and writers. Unused ids of a block are simply never used.
 */
import { opIdOf } from '@syncline/shared';
import type { Dexie } from 'dexie';
import { META } from '../db/internalStores.js';
import { MetaKeys, randomClientId } from '../db/meta.js';
import type { MetaRow } from '../db/rows.js';

export async function reserveOpIds(
  db: Dexie,
  n: number,
  preferredClientId?: string,
): Promise<{ clientId: string; from: number; to: number }> {
  return db.transaction('rw', [META], async () => {
    const meta = db.table<MetaRow, string>(META);
    const [idRow, counterRow] = await meta.bulkGet([MetaKeys.clientId, MetaKeys.counter]);
    const clientId = typeof idRow?.value === 'string' ? idRow.value : (preferredClientId ?? randomClientId());
    const from = (typeof counterRow?.value === 'number' ? counterRow.value : 0) + 1;
    const rows: MetaRow[] = [{ key: MetaKeys.counter, value: from + n - 1 }];
    if (!idRow) rows.push({ key: MetaKeys.clientId, value: clientId });
    await meta.bulkPut(rows);
    return { clientId, from, to: from + n - 1 };
  });
}

export class OpIdBlock {
  private clientId = '';
  private next = 1;
  private to = 0;
  private refilling: Promise<void> | null = null;

  constructor(
    private readonly db: Dexie,
    private readonly size = 64,
    private readonly preferredClientId?: string,
  ) {
    this.refill();
  }

  /** The next reserved op id, or undefined while none is reserved (a refill is under way). */
  take(): string | undefined {
    if (this.next > this.to) {
      this.refill();
      return undefined;
    }
    const id = opIdOf(this.clientId, this.next++);
    if (this.to - this.next < this.size / 4) this.refill();
    return id;
  }

  /** The stored client id changed (rebind): drop what is left and reserve under the new id. */
  discard(): void {
    this.to = this.next - 1;
    this.refill();
  }

  private refill(): void {
    if (this.refilling) return;
    this.refilling = reserveOpIds(this.db, this.size, this.preferredClientId)
      .then((r) => {
        this.clientId = r.clientId;
        this.next = r.from;
        this.to = r.to;
      })
      .catch(() => undefined) // no ids: edits take the regular path
      .finally(() => (this.refilling = null));
  }
}
