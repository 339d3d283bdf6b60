/**
 * Test helpers for applying pulled rows by hand (db/*.test.ts): an app whose
 * engine never connects, and server records as a pull would bring them.
 */
import { Hlc, changeToState, type RecordRow } from '@syncline/shared';
import { openApp } from './harness.js';

/** An app with no reachable server and an engine that does nothing; the same name twice: two connections to one database (two tabs). */
export const offlineApp = (name: string) =>
  openApp(name, {
    servers: ['mem://nowhere'],
    startEngine: () => ({ stop: async () => {}, kick() {}, addSpaces: async () => {}, onStatus() {} }),
  });

/** The clock that stamps `pulledPut` records (tests take stamps from it to order their own writes). */
export const serverClock = new Hlc('srv');

/** A record of space s1, table cards, as the server sends it (stamped by a server clock unless `hlc` is given). */
export function pulledPut(id: string, fields: Record<string, string | number | boolean>, hlc = serverClock.now()): RecordRow {
  return {
    space: 's1',
    table: 'cards',
    id,
    seq: 1,
    state: changeToState({ kind: 'put', opId: `w:${hlc}`, space: 's1', table: 'cards', id, hlc, fields }),
  };
}
