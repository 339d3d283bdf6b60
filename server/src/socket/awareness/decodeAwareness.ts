/**
 * The y-protocols awareness update format, read and written here without
 * the library: varuint count, then per client varuint clientID, varuint
 * clock, varstring state JSON ("null" = gone). The server only needs the
 * ids and clocks, to validate the message and to announce who left.
 */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  varUint(): number {
    let n = 0;
    let mult = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.buf.length) throw new RangeError('truncated awareness update');
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * mult;
      if (b < 0x80) return n;
      mult *= 128;
    }
    throw new RangeError('varuint too long');
  }
  skipString(): void {
    const len = this.varUint();
    if (this.pos + len > this.buf.length) throw new RangeError('truncated awareness update');
    this.pos += len;
  }
}

/** Throws a RangeError on anything that is not a well-formed awareness update. */
export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
  const r = new Reader(update);
  const count = r.varUint();
  const out: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = r.varUint();
    const clock = r.varUint();
    r.skipString();
    out.push({ clientId, clock });
  }
  if (r.pos !== update.length) throw new RangeError('trailing bytes in awareness update');
  return out;
}

function writeVarUint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** An update that marks these clients as gone (state null, next clock). */
export function encodeRemoval(entries: readonly AwarenessEntry[]): Uint8Array {
  const out: number[] = [];
  writeVarUint(out, entries.length);
  for (const e of entries) {
    writeVarUint(out, e.clientId);
    writeVarUint(out, e.clock + 1);
    writeVarUint(out, 4);
    out.push(...[...'null'].map((c) => c.charCodeAt(0)));
  }
  return Uint8Array.from(out);
}
