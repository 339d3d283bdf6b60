/**
 * A minimal two-way binding between a Y.Text and a <textarea>: a local edit
 * becomes one delete + insert at the changed span (common prefix/suffix
 * diff, enough for typing, pasting and IME); a remote change rewrites the
 * value and moves the caret by the remote delta so it stays where the user
 * was typing. Richer editors would use y-prosemirror / y-codemirror.next on
 * the same `sync.doc(...)` handle instead.
 */
import type * as Y from 'yjs';

export function bindTextarea(text: Y.Text, area: HTMLTextAreaElement): () => void {
  const origin = { binding: area };
  area.value = text.toString();

  const onInput = () => {
    const before = text.toString();
    const after = area.value;
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let endB = before.length;
    let endA = after.length;
    while (endB > start && endA > start && before[endB - 1] === after[endA - 1]) {
      endB--;
      endA--;
    }
    text.doc!.transact(() => {
      if (endB > start) text.delete(start, endB - start);
      if (endA > start) text.insert(start, after.slice(start, endA));
    }, origin);
  };

  const onChange = (event: Y.YTextEvent) => {
    if (event.transaction.origin === origin) return;
    let selStart = area.selectionStart;
    let selEnd = area.selectionEnd;
    let pos = 0;
    for (const op of event.delta) {
      if (op.retain !== undefined) pos += op.retain;
      else if (typeof op.insert === 'string') {
        const n = op.insert.length;
        if (pos < selStart) selStart += n;
        if (pos < selEnd) selEnd += n;
        pos += n;
      } else if (op.delete !== undefined) {
        const n = op.delete;
        if (pos < selStart) selStart -= Math.min(n, selStart - pos);
        if (pos < selEnd) selEnd -= Math.min(n, selEnd - pos);
      }
    }
    area.value = text.toString();
    if (document.activeElement === area) area.setSelectionRange(selStart, selEnd);
  };

  area.addEventListener('input', onInput);
  text.observe(onChange);
  return () => {
    area.removeEventListener('input', onInput);
    text.unobserve(onChange);
  };
}
