/**
 * The candidate's waiting room: shown while the room keeps them in its lobby (the interviewer is
 * not there yet, or admits candidates themselves). It says why they wait and what happens next,
 * and gives a camera and microphone check so the wait is useful. The room behind it is inert: the
 * server sends no document until they are let in.
 */
import { h, replaceChildren } from '../core/dom';
import { describeMediaError } from './mediaCore';

export interface LobbyInfo {
  title: string;
  reason: 'no_interviewer' | 'not_admitted';
  interviewer_name: string;
  message: string;
}

export class LobbyScreen {
  readonly el: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly message: HTMLElement;
  private readonly preview: HTMLVideoElement;
  private readonly mediaNote: HTMLElement;
  private stream: MediaStream | null = null;
  private starting = false;
  private shown = false;

  constructor(private readonly want: { audio: boolean; video: boolean }) {
    this.heading = h('h1', { id: 'lobby-title', tabindex: -1 }, 'Waiting room');
    this.message = h('p', { class: 'lobby-message', role: 'status', 'aria-live': 'polite' });
    this.preview = h('video', { autoplay: true, playsinline: true, class: 'preview lobby-preview', 'aria-label': 'Your camera' });
    this.preview.muted = true;
    this.mediaNote = h('p', { class: 'lobby-media', role: 'status' }, 'Checking your camera and microphone…');
    this.el = h('div', { class: 'closing lobby', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'lobby-title', hidden: true },
      h('div', { class: 'closing-card card lobby-card' },
        h('p', { class: 'eyebrow' }, 'Waiting room'),
        this.heading,
        this.message,
        h('div', { class: 'preview-box' }, this.preview, this.mediaNote),
        h('ul', { class: 'closing-steps' },
          h('li', null, 'Keep this tab open: you are let in automatically, no need to reload.'),
          h('li', null, 'The shared code editor, chat and video open once the interview starts.'))));
  }

  show(info: LobbyInfo): void {
    const first = !this.shown;
    this.shown = true;
    this.el.hidden = false;
    this.heading.textContent = info.title || 'Waiting room';
    this.message.textContent = info.message;
    this.el.dataset['reason'] = info.reason;
    if (first) {
      this.heading.focus();
      void this.startPreview();
    }
  }

  /** Let in (or the page goes): the preview's camera is released for the call to take. */
  hide(): void {
    this.shown = false;
    this.el.hidden = true;
    this.stopPreview();
  }

  get visible(): boolean {
    return this.shown;
  }

  private async startPreview(): Promise<void> {
    if (this.starting || this.stream) return;
    if (!this.want.video && !this.want.audio) {
      this.mediaNote.textContent = 'You chose to join with camera and microphone off.';
      this.preview.classList.add('no-camera');
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      this.mediaNote.textContent = describeMediaError({ name: 'TypeError' });
      return;
    }
    this.starting = true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: this.want.audio, video: this.want.video ? { width: 640, height: 360 } : false });
      if (!this.shown) {
        for (const t of stream.getTracks()) t.stop();
        return;
      }
      this.stream = stream;
      this.preview.srcObject = stream;
      this.mediaNote.textContent = this.want.video ? 'Your camera and microphone are working.' : 'Your microphone is working; the camera is off.';
      this.mediaNote.className = 'lobby-media ok';
    } catch (error) {
      this.mediaNote.textContent = describeMediaError(error);
      this.mediaNote.className = 'lobby-media warn';
      this.preview.classList.add('no-camera');
    } finally {
      this.starting = false;
    }
  }

  private stopPreview(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.preview.srcObject = null;
  }

  dispose(): void {
    this.hide();
    replaceChildren(this.el);
  }
}
