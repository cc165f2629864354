import { describe, expect, it } from 'vitest';

import {
  activityText,
  questionStarter,
  type RoomQuestion,
  setCurrentQuestion,
  testRows,
  testSummary,
  type TestRunResult,
} from './questionCore';

const stage = { stdout: '1\n', stderr: '', exit_code: 0, signal: null, wall_ms: 12, cpu_ms: 5, memory_kb: 100, stdout_truncated: false, stderr_truncated: false };

describe('questionStarter', () => {
  it('answers the loaded question’s starter for a language, or null', () => {
    const question: RoomQuestion = {
      question_id: 'q', revision: 1, title: 'Echo', prompt: '', difficulty: 'easy',
      starters: { python: 'import sys\n' }, tests: [], test_count: 0, hidden_test_count: 0,
    };
    setCurrentQuestion(null);
    expect(questionStarter('python')).toBeNull();
    setCurrentQuestion(question);
    expect(questionStarter('python')).toBe('import sys\n');
    expect(questionStarter('go')).toBeNull();
    setCurrentQuestion(null);
  });
});

describe('test runs', () => {
  const result: TestRunResult = {
    status: 'wrong_answer', language: 'python', compile: null, passed: 1, total: 3,
    hidden_passed: 0, hidden_total: 1,
    tests: [
      { name: 'one', hidden: false, status: 'ok', stage, stdin: '1\n', expected_stdout: '1\n' },
      { name: 'two', hidden: false, status: 'wrong_answer', stage, stdin: '2\n', expected_stdout: '2\n' },
    ],
  };
  it('reads as rows with input, expected, actual, verdict and time', () => {
    const rows = testRows(result);
    expect(rows.map((r) => [r.name, r.verdict, r.passed, r.time])).toEqual([
      ['one', 'Passed', true, '12 ms'],
      ['two', 'Wrong answer', false, '12 ms'],
    ]);
    expect(rows[1]!.input).toBe('2\n');
    expect(rows[1]!.actual).toBe('1\n');
  });
  it('summarises the hidden tests as counts', () => {
    expect(testSummary(result)).toBe('1 of 3 tests passed · hidden: 0 of 1 passed');
  });
});

describe('activityText', () => {
  it('says what happened in a few words', () => {
    expect(activityText({ kind: 'paste', chars: 412, away_ms: null })).toBe('pasted 412 characters');
    expect(activityText({ kind: 'visible', chars: null, away_ms: 38_200 })).toBe('left the tab for 38 s');
    expect(activityText({ kind: 'hidden', chars: null, away_ms: null })).toBe('left the tab');
    expect(activityText({ kind: 'focus', chars: null, away_ms: 125_000 })).toBe('was outside the editor for 2 min 5 s');
  });
});
