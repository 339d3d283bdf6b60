/**
 * Writer identity (docs/security.md "Writer identity"). On a server with
 * authentication, a client id is bound to the token's subject and a device:
 *
 *   clientId = <first 24 hex digits of sha256(sub)> "-" <device>
 *
 * The server refuses a connection whose client id does not carry its own
 * token's subject tag, so the op-id namespace `<clientId>:<n>` and the HLC
 * node part of every stamp belong to one subject: knowing another client's
 * id (it is in every pulled stamp) no longer lets anyone write under it.
 * The device part tells a subject's databases apart (each keeps its own
 * counter); it is random per database and never needs to be secret.
 *
 * ```ts
 * const id = boundClientId('user-42', 'k3J9x_aQ');   // '5f0c…e1-k3J9x_aQ'
 * isBoundTo(id, 'user-42');                          // true
 * ```
 */
import { sha256Hex } from './sha256.js';

/** Hex digits of the subject hash in a bound client id (96 bits). */
export const SUBJECT_TAG_LENGTH = 24;
const DEVICE = /^[A-Za-z0-9_-]{1,64}$/;
const BOUND = new RegExp(`^([0-9a-f]{${SUBJECT_TAG_LENGTH}})-([A-Za-z0-9_-]{1,64})$`);

/** The subject's tag: what every bound client id of that subject starts with. */
export function subjectTag(sub: string): string {
  return sha256Hex(sub).slice(0, SUBJECT_TAG_LENGTH);
}

export function boundClientId(sub: string, device: string): string {
  if (!DEVICE.test(device)) throw new RangeError('device id must be 1-64 characters of [A-Za-z0-9_-]');
  return `${subjectTag(sub)}-${device}`;
}

/** Whether `clientId` has the bound form `<tag>-<device>` (of any subject). */
export function looksBound(clientId: string): boolean {
  return BOUND.test(clientId);
}

export function isBoundTo(clientId: string, sub: string): boolean {
  const m = BOUND.exec(clientId);
  return m !== null && m[1] === subjectTag(sub);
}

/**
 * The device part to keep when (re)binding `clientId`: the suffix of a bound
 * id, or an unbound (random) id itself when it fits the device alphabet.
 */
export function deviceOf(clientId: string): string | undefined {
  const m = BOUND.exec(clientId);
  if (m) return m[2];
  return DEVICE.test(clientId) ? clientId : undefined;
}

/** The `sub` claim of a JWT, read without verifying it (the client only needs to know who it will be). */
export function tokenSubject(token: string | undefined): string | undefined {
  const part = token?.split('.')[1];
  if (!part) return undefined;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub.length > 0 ? sub : undefined;
  } catch {
    return undefined;
  }
}
