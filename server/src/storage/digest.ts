/**
 * The digest of a node's logical state, identical on every node type:
 * sha256 (hex) over
 *   - one line `R <recordKey> <canonical state JSON>` per record, sorted by
 *     recordKey (JSON of [space, table, id]) in JS string order, then
 *   - one line `O <opId>` per applied op id, sorted the same way, then
 *   - one line `Y <opId> <sha256 of its stored JSON>` per Yjs op, sorted by
 *     op id: document content is covered too, not only which ops were
 *     applied (issue 13), and from the op log, which compaction of doc rows
 *     never changes (every node stores an op as the same JSON, opCodec.ts).
 * Seqs and log positions are node-local and left out. Sorting happens
 * here, not in SQL, because database collations differ.
 */
import { createHash } from 'node:crypto';
import { recordKey } from '@syncline/shared';

export interface DigestRecord {
  space: string;
  table: string;
  id: string;
  /** Canonical state JSON as stored. */
  stateJson: string;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface DigestDocOp {
  opId: string;
  /** The op as stored (encodeOp). */
  opJson: string;
}

/** Stored op JSON of a Yjs op starts so (encodeOp writes `kind` first): nodes can select them in SQL. */
export const YJS_OP_PREFIX = '{"kind":"yjs"';

export function computeDigest(records: Iterable<DigestRecord>, opIds: Iterable<string>, docOps: Iterable<DigestDocOp> = []): string {
  const lines: [string, string][] = [];
  for (const r of records) lines.push([recordKey(r.space, r.table, r.id), r.stateJson]);
  lines.sort((a, b) => byString(a[0], b[0]));
  const ids = [...opIds].sort(byString);
  const hash = createHash('sha256');
  for (const [key, json] of lines) hash.update(`R ${key} ${json}\n`);
  for (const id of ids) hash.update(`O ${id}\n`);
  const docs = [...docOps]
    .map((d) => [d.opId, createHash('sha256').update(d.opJson).digest('hex')] as const)
    .sort((a, b) => byString(a[0], b[0]));
  for (const [id, h] of docs) hash.update(`Y ${id} ${h}\n`);
  return hash.digest('hex');
}
