/**
 * Resync summaries: how a client whose pull cursor names a node that is no
 * longer the primary tells the new primary what it holds, so the server sends
 * only the records that differ instead of the whole space (docs/failover.md,
 * "Cursors on failover").
 *
 * Records are spread over `n` buckets by key; a bucket's value is the XOR of
 * a 64-bit hash of each record's `[table, id, state]` in canonical JSON. Equal
 * op sets merge to equal states (merge.ts), so a bucket where client and node
 * agree is equal, and one where they differ is different — but for a 2^-64
 * hash collision. XOR makes the summary independent of the order records are
 * read in.
 */
import { canonicalJson } from './json.js';
import type { RecordState } from './merge.js';

/** Bounds on the bucket count a client may send (the request schema checks them). */
export const RESYNC_MIN_BUCKETS = 16;
export const RESYNC_MAX_BUCKETS = 4096;

/** About 4 records per bucket: one missed change costs ~4 rows re-sent. */
export function resyncBucketCount(records: number): number {
  let n = RESYNC_MIN_BUCKETS;
  while (n < RESYNC_MAX_BUCKETS && n * 4 < records) n *= 2;
  return n;
}

// Two independent 32-bit string hashes (FNV-1a and a murmur-style mix) over
// UTF-16 code units: the same numbers in every JavaScript engine.
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(text: string): number {
  let h = 0x9747b28c ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function bucketOf(table: string, id: string, n: number): number {
  return fnv1a(`${table}\u0000${id}`) % n;
}

/** Accumulates records into `n` buckets; `digests()` gives the wire form. */
export class ResyncSummary {
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;

  constructor(readonly size: number) {
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
  }

  /** Adds one record; returns its bucket. */
  add(table: string, id: string, state: RecordState): number {
    const b = bucketOf(table, id, this.size);
    const text = canonicalJson([table, id, state]);
    this.hi[b]! ^= fnv1a(text);
    this.lo[b]! ^= mix(text);
    return b;
  }

  bucket(table: string, id: string): number {
    return bucketOf(table, id, this.size);
  }

  /** One 16-hex-digit string per bucket. */
  digests(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.hi[i]!.toString(16).padStart(8, '0') + this.lo[i]!.toString(16).padStart(8, '0'));
    return out;
  }
}
