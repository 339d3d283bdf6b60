/**
 * @syncline/shared — protocol types and schemas, HLC, merge, errors.
 * Imports no I/O library; both client and server build on it.
 *
 * ```ts
 * import { Hlc, changeToState, mergeRecord, materialize } from '@syncline/shared';
 * const clock = new Hlc('client-a');
 * const state = changeToState({ kind: 'put', opId: 'client-a:1', space: 's', table: 'cards',
 *   id: 'c1', hlc: clock.now(), fields: { title: 'hi' } });
 * materialize(mergeRecord(state, state)); // { title: 'hi' }
 * ```
 */
export * from './errors.js';
export * from './hlc.js';
export * from './json.js';
export * from './merge.js';
export * from './changes.js';
export * from './protocol.js';
export * from './events.js';
export * from './random.js';
export * from './resyncSummary.js';
export * from './liveCursor.js';
export * from './clientIdentity.js';
