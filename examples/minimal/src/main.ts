// Syncline on a plain page: a Dexie table synced through a Web Worker.
// Open as /?server=http://127.0.0.1:4000&space=demo (those are the defaults).
import { Dexie, liveQuery, type Table } from 'dexie';
import { createSyncline } from '@syncline/client';

interface Note {
  id: string;
  text: string;
  at: number;
}
const params = new URLSearchParams(location.search);
const space = params.get('space') ?? 'demo';

const db = new Dexie(`minimal-${space}`) as Dexie & { notes: Table<Note, string> };
db.version(1).stores({ notes: 'id, at' });

const sync = createSyncline(db, {
  tables: ['notes'],
  servers: [params.get('server') ?? 'http://127.0.0.1:4000'],
  defaultSpace: space,
  // The sync engine runs in a module Worker; bundlers (Vite, webpack 5) pick the entry up from this line.
  worker: () => new Worker(new URL('@syncline/client/worker', import.meta.url), { type: 'module', name: 'syncline' }),
});

const $ = (id: string) => document.getElementById(id)!;
sync.subscribe((s) => {
  $('status').textContent = `${s.state} · ${s.pendingCount} pending${s.lastError ? ` · ${s.lastError.code}` : ''}`;
});
liveQuery(() => db.notes.orderBy('at').toArray()).subscribe((notes) => {
  $('notes').replaceChildren(...notes.map((n) => Object.assign(document.createElement('li'), { textContent: n.text })));
});
$('add').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('text') as HTMLInputElement;
  void db.notes.put({ id: crypto.randomUUID(), text: input.value, at: Date.now() });
  input.value = '';
});
