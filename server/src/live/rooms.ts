/** Room names of live delivery: one room per space (records, pokes, awareness), one per document (Yjs updates). */
export { roomOf } from '../socket/ServerContext.js';

const DOC_PREFIX = 'doc:';

/** The room of one document (JSON-encoded pair, so no name can collide with another). */
export function docRoom(space: string, doc: string): string {
  return `${DOC_PREFIX}${JSON.stringify([space, doc])}`;
}

export function isDocRoom(room: string): boolean {
  return room.startsWith(DOC_PREFIX);
}

/** The (space, doc) of a doc room name. */
export function parseDocRoom(room: string): { space: string; doc: string } | undefined {
  if (!isDocRoom(room)) return undefined;
  const [space, doc] = JSON.parse(room.slice(DOC_PREFIX.length)) as [string, string];
  return { space, doc };
}
