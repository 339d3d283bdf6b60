/**
 * Server policy on per-write ack modes: a client may ask for any mode, and
 * the operator may cap how strong a mode the server grants (`--max-ack`),
 * e.g. to keep clients from forcing `sync` on a cluster whose nodes are far
 * apart. The applied mode is returned in the push reply's `ack`, so the
 * client knows what its ok means.
 */
import type { AckMode } from '@syncline/shared';

const STRENGTH: Record<AckMode, number> = { async: 0, 'semi-sync': 1, sync: 2 };

export function capAckMode(requested: AckMode, max: AckMode | undefined): AckMode {
  if (max === undefined) return requested;
  return STRENGTH[requested] > STRENGTH[max] ? max : requested;
}
