/**
 * The room's standard input box, bound to a Y.Text of the shared code document, so both people
 * see and run with the same input (the server reads the same text when someone presses Run).
 *
 * A textarea rather than a second editor: the input is a few lines of data. Local typing is
 * turned into the smallest Yjs edit (`textChange`, pure and unit-tested), so two people typing
 * in the box at once merge like they do in the editor; remote edits move the caret with the text.
 */
import * as Y from 'yjs';

export interface TextChange {
  index: number;
  remove: number;
  insert: string;
}

/** The single splice turning `before` into `after` (common prefix and suffix kept). */
export function textChange(before: string, after: string): TextChange | null {
  if (before === after) return null;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { index: start, remove: endBefore - start, insert: after.slice(start, endAfter) };
}

/** Where a caret at `position` ends up after a remote change described by a Yjs delta. */
export function shiftPosition(position: number, delta: readonly { retain?: number; insert?: unknown; delete?: number }[]): number {
  let index = 0;
  let result = position;
  for (const op of delta) {
    if (op.retain !== undefined) index += op.retain;
    else if (typeof op.insert === 'string') {
      if (index <= position) result += op.insert.length;
      index += op.insert.length;
    } else if (op.delete !== undefined) {
      if (index < position) result -= Math.min(op.delete, position - index);
    }
    if (index > position) break;
  }
  return Math.max(0, result);
}

/** Keeps `textarea` and `text` equal both ways; returns the unbinding function. */
export function bindTextarea(textarea: HTMLTextAreaElement, text: Y.Text): () => void {
  const origin = { textarea };
  textarea.value = text.toString();
  const onInput = (): void => {
    const change = textChange(text.toString(), textarea.value);
    if (!change) return;
    const edit = (): void => {
      if (change.remove) text.delete(change.index, change.remove);
      if (change.insert) text.insert(change.index, change.insert);
    };
    if (text.doc) text.doc.transact(edit, origin);
    else edit();
  };
  const onChange = (event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (transaction.origin === origin) return;
    const focused = document.activeElement === textarea;
    const { selectionStart, selectionEnd } = textarea;
    textarea.value = text.toString();
    if (focused) {
      const delta = event.delta as { retain?: number; insert?: unknown; delete?: number }[];
      textarea.setSelectionRange(shiftPosition(selectionStart, delta), shiftPosition(selectionEnd, delta));
    }
  };
  textarea.addEventListener('input', onInput);
  text.observe(onChange);
  return () => {
    textarea.removeEventListener('input', onInput);
    text.unobserve(onChange);
  };
}
