/**
 * Pre-schema scan of a push for JSON the schema would mangle silently.
 * The only key that can change an object's shape on assignment is
 * `__proto__` (zod copies records with `out[key] = v`, which would set the
 * copy's prototype and drop the field): such a change is refused with
 * INVALID_MESSAGE rather than acked and partly lost. `constructor`,
 * `prototype` and friends are plain data everywhere (null-prototype
 * dictionaries, own-property lookups) and are accepted. The scan also
 * bounds nesting depth, so a deeply nested value cannot exhaust the stack
 * of the recursive validators behind it.
 */
import { SyncError } from '@syncline/shared';

export function checkJsonShape(payload: unknown, maxDepth: number): void {
  const stack: [unknown, number][] = [[payload, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    if (depth > maxDepth)
      throw new SyncError('INVALID_MESSAGE', `message nested deeper than ${maxDepth} levels`, { maxJsonDepth: maxDepth });
    if (Array.isArray(value)) {
      for (const v of value) stack.push([v, depth + 1]);
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) throw new SyncError('INVALID_MESSAGE', 'the key "__proto__" is not allowed');
    for (const v of Object.values(value)) stack.push([v, depth + 1]);
  }
}
