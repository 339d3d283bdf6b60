/**
 * The board's Dexie database: one database per board, so exactly one tab
 * per board syncs (the leader election is per database) and the status
 * bar's pending count is this board's.
 */
import { Dexie, type Table } from 'dexie';
import type { Card, List } from './model/types.js';

export type BoardDb = Dexie & { lists: Table<List, string>; cards: Table<Card, string> };

export const SYNCED_TABLES = ['lists', 'cards'];

export function openBoardDb(boardId: string): BoardDb {
  const db = new Dexie(`syncline-board:${boardId}`) as BoardDb;
  db.version(1).stores({ lists: 'id, space', cards: 'id, space, listId' });
  return db;
}
