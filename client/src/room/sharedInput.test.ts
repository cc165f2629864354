import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { shiftPosition, textChange } from './sharedInput';

function apply(before: string, after: string): string {
  const doc = new Y.Doc();
  const text = doc.getText('stdin');
  text.insert(0, before);
  const change = textChange(before, after);
  if (change) {
    text.delete(change.index, change.remove);
    text.insert(change.index, change.insert);
  }
  return text.toString();
}

describe('textChange', () => {
  it('finds the one splice between two values', () => {
    expect(textChange('3 4', '3 4')).toBeNull();
    expect(textChange('', '3 4')).toEqual({ index: 0, remove: 0, insert: '3 4' });
    expect(textChange('3 4', '3 45')).toEqual({ index: 3, remove: 0, insert: '5' });
    expect(textChange('3 4\n', '3\n')).toEqual({ index: 1, remove: 2, insert: '' });
    expect(textChange('aaa', 'aa')).toEqual({ index: 2, remove: 1, insert: '' });
  });
  it('turns any edit into the new value', () => {
    for (const [a, b] of [['', 'x'], ['hello', 'help'], ['1 2 3', '1 9 3'], ['abc', ''], ['😀a', '😀b'], ['aa', 'aaa']] as const) {
      expect(apply(a, b)).toBe(b);
    }
  });
});

describe('shiftPosition', () => {
  it('moves a caret past text inserted before it and not after it', () => {
    expect(shiftPosition(3, [{ insert: 'ab' }])).toBe(5);
    expect(shiftPosition(3, [{ retain: 3 }, { insert: 'ab' }])).toBe(5);
    expect(shiftPosition(3, [{ retain: 4 }, { insert: 'ab' }])).toBe(3);
  });
  it('pulls a caret back over deleted text', () => {
    expect(shiftPosition(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
    expect(shiftPosition(2, [{ retain: 1 }, { delete: 5 }])).toBe(1);
  });
});
