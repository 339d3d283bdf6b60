/**
 * The board app: a Dexie database per board, Syncline syncing it from a
 * Worker, the UI rendering liveQuery results. The UI only ever writes to
 * Dexie; syncing is entirely Syncline's business.
 */
import { liveQuery } from 'dexie';
import './styles.css';
import { boardIdFromUrl, loadConfig } from './config.js';
import { openBoardDb } from './db.js';
import { addCard, deleteCard, ensureDefaultLists, moveCard, renameCard } from './model/actions.js';
import type { Card, List } from './model/types.js';
import { mountNote } from './note/mountNote.js';
import { registerServiceWorker } from './registerServiceWorker.js';
import { startSync } from './startSync.js';
import { createBoardView } from './ui/renderBoard.js';
import { createCardEditor } from './ui/cardEditor.js';
import { mountHeader } from './ui/header.js';
import { mountStatusBar } from './ui/statusBar.js';

async function main(): Promise<void> {
  registerServiceWorker();
  const app = document.getElementById('app')!;
  const boardId = boardIdFromUrl(location.href);
  document.title = `${boardId} · Syncline board`;
  mountHeader(app, boardId);

  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    app.append(Object.assign(document.createElement('p'), { className: 'fatal', textContent: (err as Error).message }));
    return;
  }
  const db = openBoardDb(boardId);
  const sync = startSync(db, boardId, config);
  mountStatusBar(app, sync);

  const report = (p: Promise<unknown>): void => void p.catch((err: unknown) => console.error('board write failed', err));
  let lists: List[] = [];
  let cards: Card[] = [];
  const editor = createCardEditor(document.body, {
    rename: (id, title) => report(renameCard(db, id, title)),
    move: (id, listId, index) => report(moveCard(db, id, listId, index)),
    remove: (id) => report(deleteCard(db, id)),
  });
  const board = createBoardView(app, {
    addCard: (listId, title) => report(addCard(db, boardId, listId, title)),
    openCard: (id) => editor.open(id, lists, cards),
    dropCard: (id, listId, index) => report(moveCard(db, id, listId, index)),
  });
  const note = document.createElement('section');
  note.className = 'note';
  note.dataset.testid = 'note';
  app.append(note);
  mountNote(note, sync, boardId);

  await ensureDefaultLists(db, boardId);
  liveQuery(async () => ({
    lists: await db.lists.where('space').equals(boardId).toArray(),
    cards: await db.cards.where('space').equals(boardId).toArray(),
  })).subscribe({
    next: (v) => {
      lists = v.lists;
      cards = v.cards;
      board.update(lists, cards);
      editor.update(lists, cards);
      app.dataset.ready = 'true';
    },
    error: (err: unknown) => console.error('liveQuery failed', err),
  });

  // A handle for debugging in the console and for the e2e tests.
  (window as unknown as { board: unknown }).board = { db, sync, boardId };
}

void main();
