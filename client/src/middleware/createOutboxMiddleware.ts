/**
 * DBCore middleware: every add/put/delete/deleteRange on a synced table is
 * recorded into `_outbox` and `_state` (full rows: a pending write makes the
 * local view differ from the server view; a record's page entry, if any, is
 * removed: db/pageStates.ts) inside the same IndexedDB transaction,
 * so a write and its outbox entry commit or abort together. Writes the sync
 * engine applies from the server carry a flag and are not recorded.
 *
 * Each IndexedDB request is a round trip to the browser's storage process,
 * and requests of one transaction run in the order they are issued, so the
 * middleware issues what does not depend on an answer together: the
 * records' prior states with the write context, then the write itself (its
 * per-key failures decide what is recorded), then the outbox rows, states
 * and context in one go — three waits per write instead of seven.
 */
import type { DBCore, DBCoreMutateRequest, DBCoreMutateResponse, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import type { AckMode } from '@syncline/shared';
import { INTERNAL_TABLES, META, OUTBOX, PAGES, STATE } from '../db/internalStores.js';
import type { StateRow } from '../db/rows.js';
import { PageEdits, readStates } from '../db/pageStates.js';
import { countOutbox } from '../status/outboxCounters.js';
import { buildOps, type RecordedWrite } from './buildOps.js';
import { ackFor, isFromServer } from './transactionFlags.js';
import { loadWriteContext, type WriteContext } from './writeContext.js';

export interface OutboxMiddlewareOptions {
  tables: readonly string[];
  spaceOf: (table: string, obj: Record<string, unknown>) => string;
  clientId?: string;
  keepUntil: 'accepted' | 'replicated';
  /** Ack mode asked for writes outside withAck (server default when absent). */
  ack?: AckMode;
  /** Called once a transaction that recorded writes has committed. */
  onCommitted?: () => void;
}

interface TxState {
  chain: Promise<unknown>;
  /** Loaded once per transaction (first recorded mutation), saved after each. */
  ctx?: Promise<WriteContext>;
}

export function createOutboxMiddleware(opts: OutboxMiddlewareOptions): Middleware<DBCore> {
  const synced = new Set(opts.tables);
  return {
    stack: 'dbcore',
    name: 'SynclineOutbox',
    level: 1,
    create(core) {
      // The outbox's status counts are kept on every `_outbox` write, this middleware's included.
      const down = countOutbox(core);
      const txStates = new WeakMap<object, TxState>();
      return {
        ...down,
        transaction(stores, mode, options) {
          // Syncline's own transactions name `_state` and list every table they need (pull applies need
          // no `_outbox`): widening them would make a pull wait for push results and local writes.
          const widen = mode === 'readwrite' && !stores.includes(STATE) && stores.some((s) => synced.has(s));
          const scope = widen ? [...new Set([...stores, ...INTERNAL_TABLES])] : stores;
          return down.transaction(scope, mode, options);
        },
        table(name) {
          const table = down.table(name);
          if (!synced.has(name)) return table;
          const key = table.schema.primaryKey;
          if (key.outbound || key.autoIncrement || typeof key.keyPath !== 'string') {
            throw new TypeError(`Syncline: synced table "${name}" needs an inbound string primary key (e.g. "id")`);
          }
          return {
            ...table,
            mutate(req) {
              if (isFromServer(req.trans)) return table.mutate(req);
              let st = txStates.get(req.trans);
              if (!st) {
                st = { chain: Promise.resolve() };
                txStates.set(req.trans, st);
                watchCommit(req.trans, opts.onCommitted);
              }
              const tx = st;
              // Serialized per transaction so parallel writes never share an op id or a stale state.
              const run = tx.chain.then(() => recordMutation(down, table, name, req, tx, opts));
              tx.chain = run.catch(() => undefined);
              return run;
            },
          };
        },
      };
    },
  };
}

function watchCommit(trans: DBCoreTransaction, onCommitted?: () => void): void {
  const idb = trans as unknown as Partial<EventTarget>;
  if (onCommitted && typeof idb.addEventListener === 'function') idb.addEventListener('complete', () => onCommitted());
}

async function recordMutation(
  down: DBCore,
  table: DBCoreTable,
  name: string,
  req: DBCoreMutateRequest,
  tx: TxState,
  opts: OutboxMiddlewareOptions,
): Promise<DBCoreMutateResponse> {
  const { trans } = req;
  if (req.type === 'deleteRange') {
    const found = await table.query({ trans, values: false, query: { index: table.schema.primaryKey, range: req.range } });
    const keys = found.result as unknown[];
    return recordMutation(down, table, name, { type: 'delete', trans, keys }, tx, opts);
  }
  const extract = table.schema.primaryKey.extractKey!;
  const keys: unknown[] = req.type === 'delete' ? req.keys : (req.keys ?? req.values.map((v) => extract(v)));
  for (const k of keys) {
    if (typeof k !== 'string') throw new TypeError(`Syncline: keys of synced table "${name}" must be strings`);
  }
  const stateTable = down.table(STATE);
  // Compact states (a page entry or a compact `_state` row: db/pageStates.ts) take their values from the
  // app row: read before the mutation replaces it.
  const [found, ctx] = await Promise.all([
    readStates(
      down,
      trans,
      keys.map((k) => [name, k as string]),
    ),
    (tx.ctx ??= loadWriteContext(down.table(META), trans, opts.clientId)),
  ]);
  const prevStates = found.map((f) => f?.row);
  // Records written before sync was set up have no state yet: their space comes from the stored object.
  const oldValues =
    req.type === 'delete' && prevStates.some((s) => !s)
      ? ((await table.getMany({ trans, keys })) as (Record<string, unknown> | undefined)[])
      : [];
  const res = await table.mutate(req);
  const writes: RecordedWrite[] = [];
  keys.forEach((k, i) => {
    if (res.failures[i]) return;
    const id = k as string;
    const prev = prevStates[i];
    if (req.type === 'delete') {
      const old = oldValues[i];
      if (prev) writes.push({ id, value: null, prev, space: prev.space });
      else if (old) writes.push({ id, value: null, prev: legacyState(name, id, opts.spaceOf(name, old)), space: '' });
      return;
    }
    const value = req.values[i] as Record<string, unknown>;
    writes.push({ id, value, prev, space: opts.spaceOf(name, value) });
  });
  if (writes.length === 0) return res;
  const ack = ackFor(trans);
  const built = buildOps(name, writes, ctx, ack, { keep: opts.keepUntil, ...(opts.ack ? { ack: opts.ack } : {}) }, Date.now());
  if (ack?.track) {
    for (const row of built.outbox) {
      row.writeId = ack.track.writeId;
      ack.track.opIds.push(row.opId);
    }
  }
  if (built.outbox.length > 0) {
    // Recorded records now have a `_state` row: their page entries go (a record is stored in one place).
    const pageOf = new Map(keys.map((k, i) => [k as string, found[i]?.page]));
    const moved = new PageEdits();
    for (const st of built.states) moved.drop(pageOf.get(st.id), name, st.id);
    const pages = moved.writes();
    await Promise.all([
      down.table(OUTBOX).mutate({ trans, type: 'add', values: built.outbox }),
      stateTable.mutate({ trans, type: 'put', values: built.states }),
      pages.put.length ? down.table(PAGES).mutate({ trans, type: 'put', values: pages.put }) : undefined,
      pages.del.length ? down.table(PAGES).mutate({ trans, type: 'delete', keys: pages.del }) : undefined,
      ctx.save(),
    ]);
  }
  return res;
}

/** A stand-in state that makes a delete of an untracked record visible to buildOps. */
function legacyState(table: string, id: string, space: string): StateRow {
  const live = { fields: { id: { t: '', v: id } } };
  return { table, id, space, server: { fields: {} }, state: live };
}
