/**
 * What the candidate did, both halves: the candidate's page reports pastes (their size only),
 * the editor losing focus and the tab being hidden, and coming back; the interviewer's page
 * shows each mark as a short line ("pasted 412 characters", "left the tab for 38 s").
 */
import { h } from '../core/dom';
import { type ActivityMark, activityText } from './questionCore';

export type ActivityKind = 'paste' | 'blur' | 'focus' | 'hidden' | 'visible';

/** Starts reporting; returns the function that stops it. */
export function reportActivity(editorDom: HTMLElement, send: (kind: ActivityKind, chars?: number) => void): () => void {
  const onPaste = (event: ClipboardEvent): void => {
    const text = event.clipboardData?.getData('text/plain') ?? '';
    send('paste', [...text].length);
  };
  const onBlur = (): void => send('blur');
  const onFocus = (): void => send('focus');
  const onVisibility = (): void => send(document.visibilityState === 'hidden' ? 'hidden' : 'visible');
  editorDom.addEventListener('paste', onPaste, true);
  editorDom.addEventListener('focusout', onBlur);
  editorDom.addEventListener('focusin', onFocus);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    editorDom.removeEventListener('paste', onPaste, true);
    editorDom.removeEventListener('focusout', onBlur);
    editorDom.removeEventListener('focusin', onFocus);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** The interviewer's live list of marks, newest first. */
export class ActivityMarks {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;

  constructor() {
    this.list = h('ul', { class: 'activity-list', 'aria-live': 'polite' });
    this.el = h('div', { class: 'activity' },
      h('p', { class: 'muted small' }, 'What the candidate’s browser reported: pastes (size only), leaving the editor or the tab.'),
      this.list);
  }

  add(mark: ActivityMark): void {
    // Focus changes inside the page are noise next to a paste or a tab switch: show only
    // returns from the editor that took a while.
    if (mark.kind === 'blur' || (mark.kind === 'focus' && (mark.away_ms ?? 0) < 2000)) return;
    const time = new Date(mark.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const item = h('li', { class: `activity-mark mark-${mark.kind}` },
      h('time', { datetime: mark.at }, time), ' ', h('strong', null, mark.name), ' ', activityText(mark));
    this.list.prepend(item);
  }
}
