import type { DocRow, PullOnly } from '@syncline/shared';
import * as Y from 'yjs';
import { toBytes } from '../docs/docRows.js';
import type { Dexie } from 'dexie';
import { META } from '../db/internalStores.js';
import { MetaKeys } from '../db/meta.js';
import type { MetaRow } from '../db/rows.js';
import { applyServerRows } from './applyServerRows.js';
import { summarizeSpace } from './summarizeSpace.js';
import { postDocMessage } from '../docs/DocChannel.js';
import type { Transport } from './Transport.js';

export interface PullOptions {
  clientId: string;
  tables: readonly string[];
  limit: number;
  timeoutMs: number;
  /** The server understands `resync` (welcome.features): after a primary change, send a summary instead of re-pulling everything. */
  resync?: boolean;
  /** Pull only records, or only one document (its own cursor); default everything of the space. */
  only?: PullOnly;
  /** Called with each page's cursor once the page is stored. */
  onCursor?(cursor: string): void;
  /**
   * A document's pull: hand its updates to the open handles before the IndexedDB write (a gap or
   * a first pull: what they lack). Persist pulls leave it off — the relay applied those already.
   */
  applyFirst?: boolean;
  /** Stamps of own writes folded into `_state` by their acks (applyServerRows `own`). */
  own?: { has(stamp: string): boolean };
}

/** The `_meta` key holding the cursor of a pull. */
export function cursorKey(space: string, only?: PullOnly): string {
  return only && 'doc' in only ? MetaKeys.docCursor(space, only.doc) : MetaKeys.cursor(space);
}

/**
 * Pulls one space (or one of its documents) page by page after its stored
 * cursor. The cursor is opaque to the pull and only meaningful to the node
 * that issued it; we store whatever the server returns, and the server
 * decides whether an old cursor still applies.
 */
export async function pullSpace(db: Dexie, transport: Transport, space: string, opts: PullOptions): Promise<number> {
  const key = cursorKey(space, opts.only);
  const row = await db.table<MetaRow, string>(META).get(key);
  const ask = (cursor: string | null, resync?: true | string[]) =>
    transport.request(
      'pull',
      { space, cursor, limit: opts.limit, ...(opts.only ? { only: opts.only } : {}), ...(resync ? { resync } : {}) },
      opts.timeoutMs,
    );
  const stored = typeof row?.value === 'string' ? row.value : null;
  // Only a stored cursor can name a node that is no longer the primary; a document's pull has nothing to summarize.
  const canResync = opts.resync === true && stored !== null && !(opts.only && 'doc' in opts.only);
  let pending = ask(stored, canResync ? true : undefined);
  let total = 0;
  for (;;) {
    let reply = await pending;
    if (reply.needSummary) reply = await ask(reply.cursor, await summarizeSpace(db, space));
    // Ask for the next page before writing this one, so the server reads while we write.
    // Pages are still applied one after another, each with its own cursor.
    const next = reply.hasMore ? ask(reply.cursor) : null;
    // If applying fails we never await `next`; its failure must not surface as unhandled.
    next?.catch(() => undefined);
    const docs = reply.docs ?? [];
    // Its open handles apply the updates now, before the IndexedDB write (re-applying them
    // from `_docs` afterwards is a no-op in Yjs).
    if (opts.applyFirst && opts.only && 'doc' in opts.only && docs.length > 0) postPulledDocs(db.name, space, opts.only.doc, docs);
    await applyServerRows(db, opts.clientId, opts.tables, reply.records, { key, value: reply.cursor }, docs, opts.own);
    opts.onCursor?.(reply.cursor);
    // Open documents (any tab) read the new `_docs` rows now rather than at their next poll.
    for (const d of new Set(docs.map((x) => x.doc))) postDocMessage(db.name, { type: 'docs', space, doc: d });
    total += reply.records.length + docs.length;
    if (!next) return total;
    pending = next;
  }
}

function postPulledDocs(dbName: string, space: string, doc: string, docs: readonly DocRow[]): void {
  const updates = docs.filter((d) => d.doc === doc).map((d) => toBytes(d.update));
  if (updates.length === 0) return;
  let update: Uint8Array;
  try {
    update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
  } catch {
    return; // the handles read the stored rows as always
  }
  postDocMessage(dbName, { type: 'update', space, doc, update });
}
