/** Chat bookkeeping that does not need the DOM: unread counting and message de-duplication. */

export interface ChatMessage {
  id?: string;
  participant_id?: string;
  author_name: string;
  author_role: string;
  text: string;
  sent_at: string;
}

export class UnreadCounter {
  private count = 0;
  private visible = true;

  get unread(): number {
    return this.count;
  }

  /** Messages that arrive while the panel is hidden count, except your own. */
  onMessage(fromSelf: boolean): number {
    if (!this.visible && !fromSelf) this.count += 1;
    return this.count;
  }

  setVisible(visible: boolean): number {
    this.visible = visible;
    if (visible) this.count = 0;
    return this.count;
  }
}

/** The welcome replays history; a reconnect replays it again. Keep each message once. */
export class MessageLog {
  private readonly seen = new Set<string>();
  readonly messages: ChatMessage[] = [];

  add(message: ChatMessage): boolean {
    const key = message.id ?? `${message.participant_id ?? message.author_name}|${message.sent_at}|${message.text}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    this.messages.push(message);
    return true;
  }
}

export function unreadLabel(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(count);
}
