/** Random record ids; `crypto.randomUUID` needs a secure context, which a PWA has anyway. */
export function newId(prefix: string): string {
  const uuid = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  return `${prefix}_${uuid}`;
}
