import { describe, expect, it } from 'vitest';
import { movedCursors } from './cursorNames';

describe('remote cursor names', () => {
  it('names the remote cursors that moved, once per move', () => {
    const seen = new Map<number, string>();
    const states = new Map<number, unknown>([
      [1, { user: { name: 'Me' }, cursor: { anchor: 1, head: 1 } }],
      [2, { user: { name: 'Ada' }, cursor: { anchor: 3, head: 3 } }],
      [3, { user: { name: 'Grace' } }],
    ]);
    expect(movedCursors(seen, states, 1)).toEqual(['Ada']);
    expect(movedCursors(seen, states, 1)).toEqual([]);
    states.set(2, { user: { name: 'Ada' }, cursor: { anchor: 4, head: 4 } });
    states.set(3, { user: { name: 'Grace' }, cursor: { anchor: 0, head: 2 } });
    expect(movedCursors(seen, states, 1)).toEqual(['Ada', 'Grace']);
  });

  it('forgets clients that left, so their return shows the name again', () => {
    const seen = new Map<number, string>();
    const state = { user: { name: 'Ada' }, cursor: { anchor: 3, head: 3 } };
    movedCursors(seen, new Map([[2, state]]), 1);
    movedCursors(seen, new Map(), 1);
    expect(seen.size).toBe(0);
    expect(movedCursors(seen, new Map([[2, state]]), 1)).toEqual(['Ada']);
  });
});

describe('where a cursor is', () => {
  it('counts a cursor as moved when its place changes, even with the same state', () => {
    const seen = new Map<number, string>();
    const states = new Map<number, unknown>([[2, { user: { name: 'Ada' }, cursor: { anchor: 'r', head: 'r' } }]]);
    let index = 3;
    const place = (): string => String(index);
    expect(movedCursors(seen, states, 1, place)).toEqual(['Ada']);
    expect(movedCursors(seen, states, 1, place)).toEqual([]);
    index = 5; // they typed at their cursor: same relative position, a new place
    expect(movedCursors(seen, states, 1, place)).toEqual(['Ada']);
  });
});
