/**
 * The Whiteboard tab beside the editor. The board's Y.Doc (a map of Excalidraw elements) is
 * synced from the moment the room opens, over its own event (board:message); Excalidraw itself
 * (../board/whiteboard, with React) is imported only when the tab is first shown.
 *
 * When the room refuses one of our changes (the board is locked, or it would pass the size
 * bound), the local replica holds a change the room never will: it is dropped and the room's
 * scene fetched afresh, so the next changes apply cleanly.
 */
import * as Y from 'yjs';

import { h } from '../core/dom';
import { BOARD_DOC } from '../core/protocol';
import type { Whiteboard } from '../board/whiteboard';
import { YSocketSync } from './ysync';

/** Refusals after which our replica holds something the room does not. */
const DIVERGED = new Set(['board_locked', 'document_too_large', 'room_log_full', 'room_ended']);

export class BoardPane {
  readonly el: HTMLElement;
  private doc = new Y.Doc();
  private sync: YSocketSync;
  private board: Whiteboard | null = null;
  private loading: Promise<void> | null = null;
  private locked = false;
  private ended = false;
  private readonly host = h('div', { class: 'board-host' });
  private readonly status = h('span', { class: 'muted small board-status', role: 'status' });
  private readonly lockBox: HTMLInputElement | null;

  constructor(private readonly options: {
    isInterviewer: boolean;
    send: (message: Uint8Array) => void;
    onLock: (locked: boolean) => void;
  }) {
    this.sync = this.newSync();
    this.lockBox = options.isInterviewer ? h('input', { type: 'checkbox', id: 'board-lock' }) : null;
    this.lockBox?.addEventListener('change', () => options.onLock(this.lockBox?.checked ?? false));
    const bar = h('div', { class: 'board-bar' },
      this.lockBox ? h('label', { class: 'check' }, this.lockBox, ' Lock the whiteboard for the candidate') : null,
      this.status);
    this.el = h('section', { class: 'board-pane', 'aria-label': 'Whiteboard' }, bar, this.host);
    this.renderStatus();
  }

  private get map(): Y.Map<string> {
    return this.doc.getMap<string>(BOARD_DOC.map ?? 'elements');
  }

  private newSync(): YSocketSync {
    return new YSocketSync(this.doc, { send: (m) => this.options.send(m) }, null);
  }

  private get readOnly(): boolean {
    return this.ended || (this.locked && !this.options.isInterviewer);
  }

  /** On every (re)connect, after the welcome. */
  start(): void {
    this.sync.start();
  }

  receive(data: unknown): void {
    this.sync.receive(data);
  }

  /** The tab was opened: load Excalidraw once. */
  show(): Promise<void> {
    if (!this.loading) {
      this.status.textContent = 'Loading the whiteboard…';
      this.loading = import('../board/whiteboard').then(({ mountWhiteboard }) => {
        this.board = mountWhiteboard(this.host, this.map, { readOnly: this.readOnly });
        this.renderStatus();
      }).catch((error: unknown) => {
        this.loading = null;
        this.status.textContent = error instanceof Error ? `The whiteboard could not be loaded: ${error.message}` : 'The whiteboard could not be loaded.';
      });
    }
    return this.loading;
  }

  setLocked(locked: boolean): void {
    this.locked = locked;
    if (this.lockBox) this.lockBox.checked = locked;
    this.apply();
  }

  setEnded(): void {
    this.ended = true;
    if (this.lockBox) this.lockBox.disabled = true;
    this.apply();
  }

  /** The room refused a board change with this code. */
  refused(code: string): void {
    if (!DIVERGED.has(code)) return;
    this.sync.dispose();
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.sync = this.newSync();
    this.sync.start();
    this.board?.bind(this.map);
  }

  private apply(): void {
    this.board?.setReadOnly(this.readOnly);
    this.renderStatus();
  }

  private renderStatus(): void {
    if (this.loading && !this.board) return;
    if (this.ended) this.status.textContent = 'The interview has ended; the whiteboard is read-only.';
    else if (this.locked) this.status.textContent = this.options.isInterviewer ? 'Locked: only you can draw.' : 'The interviewer has locked the whiteboard.';
    else this.status.textContent = this.options.isInterviewer ? '' : 'Everyone can draw.';
  }

  dispose(): void {
    this.board?.dispose();
    this.sync.dispose();
    this.doc.destroy();
  }
}
