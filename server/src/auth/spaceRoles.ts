/**
 * The `spaces` claim: `{ "<space>": "read" | "write" | "service", "*": … }`.
 * `service` (an app's backend, docs/backend.md) implies `write`, which
 * implies `read`; only `service` may write over the HTTP records API; an exact entry wins over `*`. Lookups use own properties
 * only, so a space named `__proto__` or `constructor` never finds
 * Object.prototype's members.
 */
import type { SpaceAction } from '../Extension.js';

export type Role = 'read' | 'write' | 'service';

export function isSpacesClaim(claim: unknown): claim is Record<string, Role> {
  if (claim === null || typeof claim !== 'object' || Array.isArray(claim)) return false;
  return Object.values(claim).every((r) => r === 'read' || r === 'write' || r === 'service');
}

export function roleOf(claim: Record<string, Role>, space: string): Role | undefined {
  if (Object.hasOwn(claim, space)) return claim[space];
  return Object.hasOwn(claim, '*') ? claim['*'] : undefined;
}

export function roleAllows(role: Role | undefined, action: SpaceAction): boolean {
  if (role === 'service') return true;
  return (role === 'write' && action !== 'service') || (role === 'read' && action === 'read');
}
