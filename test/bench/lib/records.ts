/**
 * The records every workload writes, so ours and the baselines move the same
 * bytes: deterministic fields, `bodyBytes` of text each.
 */
export interface BenchRecord {
  id: string;
  title: string;
  done: boolean;
  n: number;
  body: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789 ';

export function makeBody(seed: number, bytes: number): string {
  let s = '';
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += ALPHABET[x % ALPHABET.length];
  }
  return s;
}

export function makeRecord(i: number, bodyBytes: number, prefix = 'r'): BenchRecord {
  return { id: `${prefix}${i}`, title: `record ${i}`, done: i % 2 === 0, n: i, body: makeBody(i, bodyBytes) };
}
