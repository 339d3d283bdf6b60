/**
 * Fractional sort keys: a card moved between two others takes the midpoint
 * of their keys, so a move rewrites one field of one record and concurrent
 * moves by different people never conflict on other cards.
 */
export function orderBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return 1;
  if (before === undefined) return after! - 1;
  if (after === undefined) return before + 1;
  return (before + after) / 2;
}

/** Sort key to put an item at `index` of `sorted` (the item itself excluded). */
export function orderAt(sorted: readonly { order: number }[], index: number): number {
  const i = Math.max(0, Math.min(index, sorted.length));
  return orderBetween(sorted[i - 1]?.order, sorted[i]?.order);
}

export function byOrder<T extends { order: number; id: string }>(a: T, b: T): number {
  return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
