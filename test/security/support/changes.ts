/** Valid changes of every kind for a client id. */
import * as Y from 'yjs';
import type { Change } from '@syncline/shared';
import { ChangeMaker } from '../../helpers/changes.js';

export function yjsUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
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
