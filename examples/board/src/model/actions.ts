/**
 * Everything the UI changes goes through these functions: plain Dexie
 * writes, which Syncline's middleware records in its outbox in the same
 * transaction. Nothing here knows about the network.
 */
import type { BoardDb } from '../db.js';
import { newId } from './ids.js';
import { byOrder, orderAt } from './order.js';
import type { Card, List } from './types.js';

const DEFAULT_LISTS = ['To do', 'Doing', 'Done'];

/**
 * A new board gets three lists. Their ids are derived from the board id, so
 * two people opening the same new board offline create the same records and
 * merge into one set of lists instead of six.
 */
export async function ensureDefaultLists(db: BoardDb, space: string): Promise<void> {
  await db.transaction('rw', db.lists, async () => {
    if ((await db.lists.where('space').equals(space).count()) > 0) return;
    await db.lists.bulkPut(DEFAULT_LISTS.map((title, i) => ({ id: `${space}:list${i + 1}`, space, title, order: i + 1 })));
  });
}

export async function addCard(db: BoardDb, space: string, listId: string, title: string): Promise<Card> {
  const siblings = (await db.cards.where('listId').equals(listId).toArray()).sort(byOrder);
  const card: Card = { id: newId('card'), space, listId, title, order: orderAt(siblings, siblings.length), editedAt: Date.now() };
  await db.cards.add(card);
  return card;
}

/** Writes only the title field, so a concurrent move by someone else survives. */
export async function renameCard(db: BoardDb, id: string, title: string): Promise<void> {
  await db.cards.update(id, { title, editedAt: Date.now() });
}

export async function deleteCard(db: BoardDb, id: string): Promise<void> {
  await db.cards.delete(id);
}

/** Moves a card to `index` of list `listId` (its own list or another). */
export async function moveCard(db: BoardDb, id: string, listId: string, index: number): Promise<void> {
  await db.transaction('rw', db.cards, async () => {
    const siblings = (await db.cards.where('listId').equals(listId).toArray()).filter((c) => c.id !== id).sort(byOrder);
    await db.cards.update(id, { listId, order: orderAt(siblings, index), editedAt: Date.now() });
  });
}

/** The list before or after `listId` by order, if any. */
export function neighbourList(lists: readonly List[], listId: string, step: -1 | 1): List | undefined {
  const sorted = [...lists].sort(byOrder);
  const i = sorted.findIndex((l) => l.id === listId);
  return i < 0 ? undefined : sorted[i + step];
}
