import { describe, expect, it } from 'vitest';
import { PresenceNotices, presenceLabel } from './presenceCore';

function harness() {
  const said: string[] = [];
  let next = 1;
  const timers = new Map<number, () => void>();
  const notices = new PresenceNotices({
    settleMs: 3000,
    announce: (t) => said.push(t),
    schedule: (fn) => { timers.set(next, fn); return next++; },
    cancel: (h) => { timers.delete(h); },
  });
  const fire = (): void => { for (const [h, fn] of [...timers]) { timers.delete(h); fn(); } };
  return { said, notices, fire, timers };
}

describe('PresenceNotices', () => {
  it('announces a real departure once and the return once', () => {
    const { said, notices, fire } = harness();
    notices.reset(['ada', 'ivy']);
    notices.away('ivy', 'Ivy');
    notices.away('ivy', 'Ivy');
    fire();
    expect(said).toEqual(['Ivy left the room']);
    notices.joined('ivy', 'Ivy');
    notices.joined('ivy', 'Ivy');
    expect(said).toEqual(['Ivy left the room', 'Ivy is back']);
  });
  it('says nothing about a reload or a blip', () => {
    const { said, notices, timers } = harness();
    notices.reset(['ivy']);
    notices.away('ivy', 'Ivy');
    notices.joined('ivy', 'Ivy');
    expect(timers.size).toBe(0);
    expect(said).toEqual([]);
  });
  it('announces a newcomer, not the people already there', () => {
    const { said, notices } = harness();
    notices.reset(['ada']);
    notices.joined('ada', 'Ada');
    notices.joined('ivy', 'Ivy');
    expect(said).toEqual(['Ivy joined the room']);
  });
  it('labels the states', () => {
    expect(presenceLabel('here')).toBe('');
    expect(presenceLabel('away')).toBe('reconnecting');
    expect(presenceLabel('gone')).toBe('left');
  });
});
