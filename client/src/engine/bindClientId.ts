/**
 * Binds the database's client id to the token's subject before a connect
 * (shared/src/clientIdentity.ts; docs/security.md "Writer identity"). A
 * server with authentication refuses a client id that is not
 * `<subjectTag(sub)>-<device>`, so an outbox made before — under a random
 * id, or under another subject — is moved to the new id in one transaction:
 * the `_meta` client id, every still-pending outbox op id and HLC node part,
 * and their `_outcomes` rows. Nothing pending is dropped. The device part
 * keeps the old random id, so each database stays its own op-id namespace.
 *
 * Why re-sending a moved op is safe: an op sent before under the old id and
 * answered indeterminate may be stored once more under its new id; a put or
 * delete then carries the same fields at an equal (ms, counter) and a Yjs
 * update applies idempotently, so the state is the same. Ops already
 * accepted (waiting for `replicated`) keep their old ids.
 */
import type { Dexie } from 'dexie';
import { boundClientId, decodeHlc, deviceOf, encodeHlc, isBoundTo, isHlc, tokenSubject } from '@syncline/shared';
import { META, OUTBOX, OUTCOMES } from '../db/internalStores.js';
import { MetaKeys, randomClientId } from '../db/meta.js';
import type { MetaRow, OutboxRow, OutcomeRow } from '../db/rows.js';

export async function bindClientId(db: Dexie, current: string, token: string | undefined): Promise<string> {
  const sub = tokenSubject(token);
  if (sub === undefined || isBoundTo(current, sub)) return current;
  const hasOutcomes = db.tables.some((t) => t.name === OUTCOMES);
  return db.transaction('rw', [META, OUTBOX, ...(hasOutcomes ? [OUTCOMES] : [])], async () => {
    const meta = db.table<MetaRow, string>(META);
    const stored = (await meta.get(MetaKeys.clientId))?.value;
    const old = typeof stored === 'string' ? stored : current;
    if (isBoundTo(old, sub)) return old;
    const next = boundClientId(sub, deviceOf(old) ?? randomClientId());
    await meta.put({ key: MetaKeys.clientId, value: next });
    const prefix = `${old}:`;
    const moved = new Map<string, string>();
    const outbox = db.table<OutboxRow, number>(OUTBOX);
    for (const row of await outbox.where('status').equals('pending').toArray()) {
      if (!row.opId.startsWith(prefix)) continue;
      const opId = `${next}:${row.opId.slice(prefix.length)}`;
      moved.set(row.opId, opId);
      await outbox.update(row.seq!, { opId, hlc: restamp(row.hlc, old, next) });
    }
    if (hasOutcomes && moved.size) {
      const outcomes = db.table<OutcomeRow, string>(OUTCOMES);
      for (const row of await outcomes.bulkGet([...moved.keys()])) {
        if (!row) continue;
        await outcomes.delete(row.opId);
        await outcomes.put({ ...row, opId: moved.get(row.opId)! });
      }
    }
    return next;
  });
}

function restamp(hlc: string, old: string, next: string): string {
  if (!isHlc(hlc)) return hlc;
  const parts = decodeHlc(hlc);
  return parts.node === old ? encodeHlc({ ...parts, node: next }) : hlc;
}
