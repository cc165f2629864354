/**
 * Remote cursors show their person's name for a moment after they move (y-codemirror.next shows
 * it only on hover). The pure part decides which names moved; the rest marks their carets.
 *
 * A cursor is where its relative position resolves to in the document: typing at one's own cursor
 * keeps the relative position (it points at the character after it) and sends no awareness
 * update, so remote edits are checked too, not only awareness changes.
 */
import type { EditorView } from '@codemirror/view';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

export const SHOW_NAME_MS = 2000;

interface CursorState {
  user?: { name?: unknown };
  cursor?: unknown;
}

/**
 * Names of the remote clients whose cursor changed since `seen` (which it updates). A client seen
 * for the first time counts as moved: its cursor just appeared. `place` turns a cursor into
 * where it is now.
 */
export function movedCursors(
  seen: Map<number, string>,
  states: Map<number, unknown>,
  selfId: number,
  place: (cursor: unknown) => string = (cursor) => JSON.stringify(cursor),
): string[] {
  const moved: string[] = [];
  for (const [clientId, raw] of states) {
    if (clientId === selfId) continue;
    const state = raw as CursorState | null;
    if (!state?.cursor) continue;
    const key = place(state.cursor);
    if (seen.get(clientId) === key) continue;
    seen.set(clientId, key);
    const name = state.user?.name;
    if (typeof name === 'string' && name) moved.push(name);
  }
  for (const clientId of [...seen.keys()]) if (!states.has(clientId)) seen.delete(clientId);
  return moved;
}

/** Where a y-codemirror cursor ({anchor, head} as relative positions) is in `text` now. */
function placeIn(text: Y.Text): (cursor: unknown) => string {
  const at = (relative: unknown): number | null => {
    if (!text.doc || typeof relative !== 'object' || relative === null) return null;
    try {
      const absolute = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(relative), text.doc);
      return absolute && absolute.type === text ? absolute.index : null;
    } catch {
      return null;
    }
  };
  return (cursor) => {
    const { anchor, head } = (cursor ?? {}) as { anchor?: unknown; head?: unknown };
    return `${at(anchor)}:${at(head)}`;
  };
}

export function flashCursorNames(view: EditorView, awareness: Awareness, text: Y.Text): () => void {
  const place = placeIn(text);
  const seen = new Map<number, string>();
  const until = new Map<string, number>();
  let timer = 0;
  let frame = 0;

  const paint = (): void => {
    frame = 0;
    const now = Date.now();
    let next = Infinity;
    for (const caret of view.dom.querySelectorAll<HTMLElement>('.cm-ySelectionCaret')) {
      const name = caret.querySelector('.cm-ySelectionInfo')?.textContent ?? '';
      const end = until.get(name) ?? 0;
      caret.classList.toggle('cm-yRecent', end > now);
      if (end > now) next = Math.min(next, end);
    }
    window.clearTimeout(timer);
    if (next !== Infinity) timer = window.setTimeout(paint, next - now + 20);
  };

  const onChange = (): void => {
    const names = movedCursors(seen, awareness.getStates(), awareness.clientID, place);
    const now = Date.now();
    for (const name of names) until.set(name, now + SHOW_NAME_MS);
    // The carets are redrawn in the same update (and a redrawn caret loses its mark): mark
    // them once the view has drawn it, while any name is still to be shown.
    const showing = [...until.values()].some((end) => end > now);
    if (showing && !frame) frame = window.requestAnimationFrame(paint);
  };
  const onEdit = (event: Y.YTextEvent): void => {
    if (!event.transaction.local) onChange();
  };
  awareness.on('change', onChange);
  text.observe(onEdit);
  return () => {
    awareness.off('change', onChange);
    text.unobserve(onEdit);
    window.clearTimeout(timer);
    if (frame) window.cancelAnimationFrame(frame);
  };
}
