/**
 * Who is here: this person's name and color go into the document's
 * Awareness (with their caret position); everyone's are shown as chips.
 * The name is kept per browser profile in localStorage.
 */
import type { Awareness } from 'y-protocols/awareness';
import { h } from '../ui/dom.js';

const COLORS = ['#e5484d', '#0091ff', '#30a46c', '#f76808', '#8e4ec6', '#d6409f', '#12a594'];
const NAMES = ['Ada', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo'];

export interface Person {
  name: string;
  color: string;
}

export function me(): Person {
  const saved = localStorage.getItem('board:me');
  if (saved) return JSON.parse(saved) as Person;
  const n = Math.floor(Math.random() * 1000);
  const person = { name: `${NAMES[n % NAMES.length]} ${n}`, color: COLORS[n % COLORS.length]! };
  localStorage.setItem('board:me', JSON.stringify(person));
  return person;
}

export function mountPresence(bar: HTMLElement, awareness: Awareness, area: HTMLTextAreaElement): () => void {
  awareness.setLocalStateField('user', me());
  const caret = () => awareness.setLocalStateField('caret', area.selectionStart);
  const render = () => {
    const people = [...awareness.getStates()]
      .filter(([, s]) => s.user)
      .map(([id, s]) => ({ id, user: s.user as Person, caret: s.caret as number | undefined }))
      .sort((a, b) => a.user.name.localeCompare(b.user.name));
    bar.replaceChildren(
      ...people.map((p) =>
        h(
          'span',
          {
            class: 'presence-chip',
            'data-testid': 'presence-chip',
            style: `background:${p.user.color}`,
            title: p.caret === undefined ? '' : `caret at ${p.caret}`,
          },
          p.id === awareness.clientID ? `${p.user.name} (you)` : p.user.name,
        ),
      ),
    );
  };
  awareness.on('change', render);
  area.addEventListener('keyup', caret);
  area.addEventListener('click', caret);
  render();
  return () => {
    awareness.off('change', render);
    area.removeEventListener('keyup', caret);
    area.removeEventListener('click', caret);
  };
}
