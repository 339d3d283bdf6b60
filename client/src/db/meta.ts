/** Keys of `_meta` rows and small typed helpers over a DBCore or Dexie table. */
export const MetaKeys = {
  clientId: 'clientId',
  counter: 'opCounter',
  hlc: 'hlc',
  spaces: 'spaces',
  cursor: (space: string) => `cursor:${space}`,
  /** Pull cursor of one document (its updates only: pull `only: { doc }`). */
  docCursor: (space: string, doc: string) => `doccursor:${JSON.stringify([space, doc])}`,
} as const;

export function randomClientId(): string {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  // base64url without padding: no ':' or spaces, as the handshake requires.
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
