import { describe, expect, it } from 'vitest';
import { protocol } from '../core/protocol';
import { movedRetryDelay, routingQuery } from './routing';

describe('room routing', () => {
  it('carries the interview id in the query parameter protocol.json names', () => {
    expect(protocol.routing?.query).toBe('interview');
    expect(routingQuery('abc123')).toEqual({ interview: 'abc123' });
  });

  it('waits the server delay plus a jitter of up to as much again', () => {
    const moved = { code: 'room_moved', message: 'elsewhere', retry_after_ms: 400 };
    expect(movedRetryDelay(moved, () => 0)).toBe(400);
    expect(movedRetryDelay(moved, () => 0.5)).toBe(600);
    expect(movedRetryDelay(moved, () => 1)).toBe(800);
  });

  it('falls back to a default delay and caps a silly one', () => {
    expect(movedRetryDelay({ code: 'room_moved' }, () => 0)).toBe(400);
    expect(movedRetryDelay({ code: 'room_moved', retry_after_ms: -5 }, () => 0)).toBe(400);
    expect(movedRetryDelay({ code: 'room_moved', retry_after_ms: 10_000_000 }, () => 1)).toBe(60_000);
  });

  it('ignores every other answer', () => {
    expect(movedRetryDelay({ code: 'room_full', retry_after_ms: 400 })).toBeNull();
    expect(movedRetryDelay(null)).toBeNull();
    expect(movedRetryDelay('room_moved')).toBeNull();
    expect(movedRetryDelay(undefined)).toBeNull();
  });
});
