/**
 * Clock-skew bound (DESIGN §2). A put/delete stamped more than
 * `maxSkewMs` ahead of the server's wall clock would win every conflict
 * until real time caught up, so the server re-stamps it with its own HLC
 * and returns the new stamp in `OpResult.hlc`. Stamps within the bound are
 * folded into the server clock, so a re-stamp always sorts after every
 * stamp the server accepted before. Yjs updates carry no HLC.
 */
import { hlcDriftMs, type Change, type Hlc } from '@syncline/shared';

export interface Restamped {
  change: Change;
  /** The new stamp when the change was re-stamped. */
  hlc?: string;
}

export function boundClockSkew(change: Change, clock: Hlc, maxSkewMs: number, wallMs: number = Date.now()): Restamped {
  if (change.kind === 'yjs') return { change };
  if (hlcDriftMs(change.hlc, wallMs) > maxSkewMs) {
    const hlc = clock.now();
    return { change: { ...change, hlc }, hlc };
  }
  clock.observe(change.hlc);
  return { change };
}
