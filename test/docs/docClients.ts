/** Yjs helpers for the document integration tests over real servers. */
import * as Y from 'yjs';
import type { SynclineDoc } from '@syncline/client';
import Database from 'better-sqlite3';
import { openClient, type Client } from '../client/realCluster.js';
import { seededRandom } from '@syncline/shared';

export interface DocClient extends Client {
  note: SynclineDoc;
  text(): string;
}

export async function openDocClient(servers: string[], opts: { name?: string; clientId?: string } = {}): Promise<DocClient> {
  const c = openClient(servers, { spaces: ['space-1'], ...opts });
  const note = c.sync.doc('space-1', 'note');
  await note.whenLoaded;
  return {
    ...c,
    note,
    text: () => note.doc.getText('t').toString(),
    async close() {
      await note.destroy();
      await c.close();
    },
  };
}

/** Inserts `word` at a pseudo-random position (seeded by the caller). */
export function typeWord(d: DocClient, word: string, rand: () => number): void {
  const t = d.note.doc.getText('t');
  const s = t.toString();
  // Only at word boundaries, so every word stays whole and can be looked for.
  const spots = [0, ...[...s].flatMap((ch, i) => (ch === ' ' ? [i + 1] : []))];
  t.insert(spots[Math.floor(rand() * spots.length)]!, word);
}

/** The document a node file holds: its stored update rows applied to a fresh Y.Doc. */
export function nodeDoc(dataDir: string, node: 1 | 2 | 3): { text: string; rows: number } {
  const db = new Database(`${dataDir}/node${node}.db`, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT update_bytes FROM doc_updates WHERE space = 'space-1' AND doc = 'note' ORDER BY seq`).all() as {
      update_bytes: Buffer;
    }[];
    const doc = new Y.Doc();
    for (const r of rows) Y.applyUpdate(doc, new Uint8Array(r.update_bytes));
    return { text: doc.getText('t').toString(), rows: rows.length };
  } finally {
    db.close();
  }
}

export const mulberry32 = seededRandom;
