import { describe, expect, it } from 'vitest';
import { asBytes, canType, finishedLine, keystrokes, OutputOrder } from './terminalCore';

describe('terminal core', () => {
  it('lets only the keyboard holder type', () => {
    expect(canType('everyone', 'candidate')).toBe(true);
    expect(canType('candidate', 'candidate')).toBe(true);
    expect(canType('candidate', 'interviewer')).toBe(false);
    expect(canType('interviewer', 'candidate')).toBe(false);
  });

  it('turns Ctrl+C into an interrupt and splits long pastes', () => {
    expect(keystrokes('ab\x03c', 10)).toEqual([
      { kind: 'input', data: 'ab' }, { kind: 'interrupt' }, { kind: 'input', data: 'c' },
    ]);
    expect(keystrokes('abcde', 2).map((k) => (k.kind === 'input' ? k.data : '^C'))).toEqual(['ab', 'cd', 'e']);
  });

  it('shows each chunk of a session once, in order', () => {
    const order = new OutputOrder();
    expect(order.accept({ session_id: 'a', seq: 1 })).toBe(true);
    expect(order.accept({ session_id: 'a', seq: 1 })).toBe(false);
    expect(order.accept({ session_id: 'a', seq: 2 })).toBe(true);
    expect(order.accept({ session_id: 'b', seq: 1 })).toBe(true);
  });

  it('reads bytes whatever the wire gave', () => {
    expect(asBytes(new Uint8Array([0, 255]))).toEqual(new Uint8Array([0, 255]));
    expect(asBytes(new Uint8Array([7]).buffer)).toEqual(new Uint8Array([7]));
    expect(asBytes('hi')).toEqual(new TextEncoder().encode('hi'));
  });

  it('says how the last run ended', () => {
    expect(finishedLine({ session_id: 's', result: { status: 'runtime_error', message: 'stopped with Ctrl+C' }, error: null }))
      .toBe('Finished: runtime error — stopped with Ctrl+C');
    expect(finishedLine(null)).toBe('');
  });
});
