import { describe, expect, it } from 'vitest';
import { MessageLog, UnreadCounter, unreadLabel } from './chatCore';

describe('UnreadCounter', () => {
  it('counts only others’ messages while the panel is hidden', () => {
    const c = new UnreadCounter();
    expect(c.onMessage(false)).toBe(0);
    c.setVisible(false);
    expect(c.onMessage(false)).toBe(1);
    expect(c.onMessage(true)).toBe(1);
    expect(c.onMessage(false)).toBe(2);
    expect(c.setVisible(true)).toBe(0);
  });
  it('caps the label', () => {
    expect(unreadLabel(0)).toBe('');
    expect(unreadLabel(7)).toBe('7');
    expect(unreadLabel(120)).toBe('99+');
  });
});

describe('MessageLog', () => {
  it('keeps a replayed message once', () => {
    const log = new MessageLog();
    const m = { id: '1', author_name: 'A', author_role: 'candidate', text: 'hi', sent_at: '2026-01-01T00:00:00Z' };
    expect(log.add(m)).toBe(true);
    expect(log.add({ ...m })).toBe(false);
    expect(log.add({ ...m, id: '2' })).toBe(true);
    expect(log.messages).toHaveLength(2);
  });
});
