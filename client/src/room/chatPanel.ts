/** The chat panel: the message list, the composer, and the unread count shown on its tab. */
import { h } from '../core/dom';
import { type ChatMessage, MessageLog, UnreadCounter, unreadLabel } from './chatCore';

export class ChatPanel {
  readonly el: HTMLElement;
  /** Goes on the panel's tab; hidden while there is nothing unread. */
  readonly badge: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly input: HTMLTextAreaElement;
  private readonly log = new MessageLog();
  private readonly unread = new UnreadCounter();
  private selfId = '';

  constructor(private readonly send: (text: string) => void, maxChars: number) {
    this.list = h('ol', { class: 'chat-list', 'aria-label': 'Messages', tabindex: 0 });
    this.input = h('textarea', { id: 'chat-input', rows: 2, maxlength: maxChars, placeholder: 'Message everyone' });
    this.badge = h('span', { class: 'unread', 'aria-label': 'unread messages', hidden: true });
    const form = h('form', { class: 'chat-form' },
      h('label', { for: 'chat-input', class: 'sr-only' }, 'Message'), this.input,
      h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Send'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        this.submit();
      }
    });
    this.el = h('div', { class: 'chat' }, this.list, form);
  }

  setSelf(participantId: string): void {
    this.selfId = participantId;
  }

  /** Adds a message once (history is replayed on every welcome); counts it if unseen. */
  add(message: ChatMessage): void {
    if (!this.log.add(message)) return;
    const mine = message.participant_id !== undefined && message.participant_id === this.selfId;
    this.list.appendChild(h('li', { class: `msg msg-${message.author_role}${mine ? ' msg-mine' : ''}` },
      h('div', { class: 'msg-meta' }, h('strong', null, message.author_name), ' ',
        h('time', { datetime: message.sent_at }, new Date(message.sent_at).toLocaleTimeString(undefined, { timeStyle: 'short' }))),
      h('div', { class: 'msg-text' }, message.text)));
    this.list.scrollTop = this.list.scrollHeight;
    this.renderBadge(this.unread.onMessage(mine));
  }

  setVisible(visible: boolean): void {
    this.renderBadge(this.unread.setVisible(visible));
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text) return;
    this.send(text);
    this.input.value = '';
  }

  private renderBadge(count: number): void {
    this.badge.textContent = unreadLabel(count);
    this.badge.hidden = count === 0;
  }
}
