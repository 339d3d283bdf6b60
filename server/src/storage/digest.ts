/**
 * The digest of a node's logical state, identical on every node type:
 * sha256 (hex) over
 *   - one line `R <recordKey> <canonical state JSON>` per record, sorted by
 *     recordKey (JSON of [space, table, id]) in JS string order, then
 *   - one line `O <opId>` per applied op id, sorted the same way.
 * Seqs and log positions are node-local and left out; doc updates are
 * covered by their op ids. Sorting happens here, not in SQL, because
 * database collations differ.
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

export function computeDigest(records: Iterable<DigestRecord>, opIds: Iterable<string>): string {
  const lines: [string, string][] = [];
  for (const r of records) lines.push([recordKey(r.space, r.table, r.id), r.stateJson]);
  lines.sort((a, b) => byString(a[0], b[0]));
  const ids = [...opIds].sort(byString);
  const hash = createHash('sha256');
  for (const [key, json] of lines) hash.update(`R ${key} ${json}\n`);
  for (const id of ids) hash.update(`O ${id}\n`);
  return hash.digest('hex');
}
