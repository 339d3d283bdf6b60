/** Spaces that have subscribers connected to this process. */
import type { SynclineIo as Server } from './ioTypes.js';
import { roomOf } from './ServerContext.js';

const PREFIX = roomOf('');

export function* subscribedSpacesOnServer(io: Server): Iterable<string> {
  for (const room of io.of('/').adapter.rooms.keys()) if (room.startsWith(PREFIX)) yield room.slice(PREFIX.length);
}
