/**
 * The chat panel: the message list, the composer, and the unread count shown on its tab. A
 * message that cannot go out stays in the box with a note saying why; once the room is over the
 * composer closes, so nothing is typed into the void.
 */
import { h } from '../core/dom';
import { type ChatMessage, MessageLog, UnreadCounter, unreadLabel } from './chatCore';

export class ChatPanel {
  readonly el: HTMLElement;
  /** Goes on the panel's tab; hidden while there is nothing unread. */
  readonly badge: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly note: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly log = new MessageLog();
  private readonly unread = new UnreadCounter();
  private selfId = '';

  /** `send` answers whether the message went out; if not, the text stays for another try. */
  constructor(private readonly send: (text: string) => boolean, maxChars: number) {
    this.list = h('ol', { class: 'chat-list', 'aria-label': 'Messages', tabindex: 0 });
    this.empty = h('div', { class: 'chat-empty' },
      h('p', { class: 'strong' }, 'No messages yet'),
      h('p', null, 'Messages here reach everyone in the room and are kept with the interview. Use it for links, or anything easier to read than to say.'));
    this.input = h('textarea', { id: 'chat-input', rows: 2, maxlength: maxChars, placeholder: 'Message everyone' });
    this.badge = h('span', { class: 'unread', 'aria-label': 'unread messages', hidden: true });
    this.sendButton = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Send');
    this.note = h('p', { class: 'chat-note', role: 'status', hidden: true });
    const form = h('form', { class: 'chat-form' },
      h('label', { for: 'chat-input', class: 'sr-only' }, 'Message'), this.input,
      this.sendButton);
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
    this.input.addEventListener('input', () => { this.note.hidden = true; });
    this.el = h('div', { class: 'chat' }, this.empty, this.list, this.note, form);
  }

  /** Closes (or reopens) the composer; `reason` says why it is closed. */
  setEnabled(enabled: boolean, reason = ''): void {
    this.input.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    this.input.placeholder = enabled ? 'Message everyone' : 'Chat is closed';
    if (!enabled && this.log.messages.length === 0) this.empty.hidden = true;
    this.showNote(enabled ? '' : reason);
  }

  private showNote(text: string): void {
    this.note.textContent = text;
    this.note.hidden = text === '';
  }

  setSelf(participantId: string): void {
    this.selfId = participantId;
  }

  /** Adds a message once (history is replayed on every welcome); counts it if unseen. */
  add(message: ChatMessage): void {
    if (!this.log.add(message)) return;
    const mine = message.participant_id !== undefined && message.participant_id === this.selfId;
    this.empty.hidden = true;
    this.list.appendChild(h('li', { class: `msg msg-${message.author_role}${mine ? ' msg-mine' : ''}` },
      h('div', { class: 'msg-meta' }, h('strong', null, message.author_name), ' ',
        h('time', { datetime: message.sent_at }, new Date(message.sent_at).toLocaleTimeString(undefined, { timeStyle: 'short' }))),
      h('div', { class: 'msg-text' }, message.text)));
    this.list.scrollTop = this.list.scrollHeight;
    this.renderBadge(this.unread.onMessage(mine));
  }

  /** A line from the room itself ("Ivy left the room"): not a message, never counted unread. */
  notice(text: string): void {
    this.empty.hidden = true;
    const now = new Date();
    this.list.appendChild(h('li', { class: 'msg msg-notice', role: 'status' },
      h('span', null, text), ' ',
      h('time', { datetime: now.toISOString() }, now.toLocaleTimeString(undefined, { timeStyle: 'short' }))));
    this.list.scrollTop = this.list.scrollHeight;
  }

  setVisible(visible: boolean): void {
    this.renderBadge(this.unread.setVisible(visible));
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text || this.input.disabled) return;
    if (!this.send(text)) {
      this.showNote('Not connected: your message was not sent. It is still in the box; try again in a moment.');
      return;
    }
    this.showNote('');
    this.input.value = '';
  }

  private renderBadge(count: number): void {
    this.badge.textContent = unreadLabel(count);
    this.badge.hidden = count === 0;
  }
}
