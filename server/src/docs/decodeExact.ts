/**
 * Decodes a Yjs (v1) update and insists that it ends where the update ends:
 * `Y.decodeUpdate` stops after the delete set and ignores anything behind
 * it, so trailing garbage would otherwise be stored and served as part of
 * an "accepted" update. Returns the decoded update, or undefined.
 */
import * as Y from 'yjs';

type Decoded = ReturnType<typeof Y.decodeUpdate>;

export function decodeExactUpdate(update: Uint8Array): Decoded | undefined {
  let inner: { pos: number; arr: Uint8Array } | undefined;
  class Probe extends Y.UpdateDecoderV1 {
    constructor(decoder: { pos: number; arr: Uint8Array }) {
      super(decoder as never);
      inner = decoder;
    }
  }
  try {
    const decoded = Y.decodeUpdateV2(update, Probe as unknown as typeof Y.UpdateDecoderV1);
    return inner && inner.pos === update.length ? decoded : undefined;
  } catch {
    return undefined;
  }
}
