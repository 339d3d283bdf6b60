import { Hlc, maxStamp, type RecordState } from '@syncline/shared';

/**
 * Folds remote stamps into the persisted clock (`_meta` hlc row value), so
 * the next local write sorts after everything seen. Returns the new value
 * to store, or undefined when no stamp is newer than the stored one.
 */
export function foldStamps(clientId: string, stored: unknown, states: readonly RecordState[]): string | undefined {
  const clock = new Hlc(clientId);
  let changed = false;
  if (typeof stored === 'string') clock.observe(stored);
  for (const s of states) {
    const max = maxStamp(s);
    if (max && (typeof stored !== 'string' || max > stored)) {
      clock.observe(max);
      changed = true;
    }
  }
  return changed ? clock.last() : undefined;
}
