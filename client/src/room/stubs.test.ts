import { describe, expect, it } from 'vitest';
import { colourFor, lighten, shouldReplaceCode } from './stubs';

describe('shouldReplaceCode', () => {
  const stubs = ['print("Hello")\n', 'int main(void) { return 0; }\n'];
  it('replaces blank code and untouched stubs', () => {
    expect(shouldReplaceCode('', stubs)).toBe(true);
    expect(shouldReplaceCode('  \n', stubs)).toBe(true);
    expect(shouldReplaceCode('print("Hello")', stubs)).toBe(true);
  });
  it('never throws away written code', () => {
    expect(shouldReplaceCode('print("Hello")\nx = 1', stubs)).toBe(false);
  });
});

describe('colours', () => {
  it('gives the same colour to the same participant', () => {
    expect(colourFor('abc')).toBe(colourFor('abc'));
    expect(colourFor('abc')).toMatch(/^#[0-9a-f]{6}$/);
  });
  it('makes a translucent variant for selections', () => {
    expect(lighten('#2563eb')).toBe('rgba(37, 99, 235, 0.25)');
    expect(lighten('red')).toBe('red');
  });
});
