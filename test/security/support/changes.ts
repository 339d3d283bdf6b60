/** Valid changes of every kind for a client id. */
import * as Y from 'yjs';
import type { Change } from '@syncline/shared';
import { ChangeMaker } from '../../helpers/changes.js';

export function yjsUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** A y-protocols awareness update for one client (count, clientID, clock, state JSON). */
export function awarenessUpdate(clientId: number, state: unknown = { user: 'u' }): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(state));
  if (clientId > 127 || json.length > 127) throw new RangeError('keep it to one-byte varuints');
  return new Uint8Array([1, clientId, 1, json.length, ...json]);
}

export class SecMaker extends ChangeMaker {
  yjs(space: string, doc: string, text = 'hi'): Change {
    return { kind: 'yjs', opId: this.nextOpId(), space, doc, update: yjsUpdate(text) };
  }

  /** One put, one delete and one yjs change in `space`. */
  every(space: string, tag: string): Change[] {
    return [this.put(space, `${tag}-p`, { tag }), this.del(space, `${tag}-d`), this.yjs(space, `${tag}-doc`, tag)];
  }
}
