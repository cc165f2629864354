import { describe, expect, it } from 'vitest';
import { dueFrames, replayFrames, terminalOf } from './terminalTranscript';

describe('terminal transcript', () => {
  const result = {
    status: 'ok',
    terminal: {
      mode: 'program',
      transcript: [[0, 'stdout', 'Name: '], [900, 'stdin', 'Grace\n'], [910, 'stdout', 'Hello!\n'], [950, 'stderr', 'warn']],
      omitted_bytes: 0,
    },
  };

  it('reads the record only when it is a terminal run', () => {
    expect(terminalOf({ status: 'ok' })).toBeNull();
    expect(terminalOf(result)?.transcript).toHaveLength(4);
  });

  it('shows input as echoed and stderr in red', () => {
    const frames = replayFrames(terminalOf(result)!);
    expect(frames.map((f) => f.text)).toEqual(['Name: ', 'Grace\r\n', 'Hello!\n', '\x1b[31mwarn\x1b[0m']);
  });

  it('plays the frames due at a time and speed', () => {
    const frames = replayFrames(terminalOf(result)!);
    expect(dueFrames(frames, 0, 0, 1)).toBe(1);
    expect(dueFrames(frames, 1, 91, 10)).toBe(3);
    expect(dueFrames(frames, 3, 10_000, 1)).toBe(4);
  });
});
