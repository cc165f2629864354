import { describe, expect, it } from 'vitest';
import {
  changedFields,
  emptyForm,
  emptyTest,
  fieldErrors,
  formFromQuestion,
  nextTestName,
  parseTags,
  payloadFromForm,
  type QuestionDetail,
} from './questionForm';

const DETAIL: QuestionDetail = {
  id: 'q1', title: 'Sum', difficulty: 'easy', tags: ['math', 'warm-up'], languages: ['python'],
  test_count: 2, hidden_test_count: 1, visibility: 'shared', built_in: false, owned: true, revision: 3,
  updated_at: '2026-12-01T10:00:00Z',
  prompt: '# Sum', guide: 'Easy.', starters: { python: 'print()\n' },
  tests: [
    { name: 'small', stdin: '1 2\n', expected_stdout: '3\n', hidden: false, weight: 1, limits: { run_timeout_ms: null, memory_mb: null } },
    { name: 'big', stdin: '9\n', expected_stdout: null, hidden: true, weight: 2, limits: { run_timeout_ms: 500, memory_mb: null } },
  ],
  comparison: { mode: 'float', abs_tolerance: 0.001, rel_tolerance: 1e-6 },
};

describe('question form ↔ payload', () => {
  it('a loaded question saved untouched is the same question (and changes nothing)', () => {
    const payload = payloadFromForm(formFromQuestion(DETAIL));
    expect(payload.tags).toEqual(['math', 'warm-up']);
    expect(payload.tests[1]).toEqual({
      name: 'big', stdin: '9\n', expected_stdout: null, hidden: true, weight: 2, limits: { run_timeout_ms: 500 },
    });
    expect(payload.comparison).toEqual(DETAIL.comparison);
    expect(payload.visibility).toBe('shared');
    expect(changedFields(DETAIL, payload)).toEqual({});
  });
  it('sends only what changed, whole', () => {
    const form = formFromQuestion(DETAIL);
    form.title = '  Sum of two  ';
    form.tests[0]!.hidden = true;
    form.starters.push(['go', 'package main\n']);
    const changed = changedFields(DETAIL, payloadFromForm(form));
    expect(Object.keys(changed).sort()).toEqual(['starters', 'tests', 'title']);
    expect(changed.title).toBe('Sum of two');
    expect(changed.starters).toEqual({ python: 'print()\n', go: 'package main\n' });
    expect(changed.tests?.map((t) => t.hidden)).toEqual([true, true]);
  });
  it('a new form maps to the server defaults', () => {
    const form = emptyForm();
    form.title = 'Two sum';
    form.tests.push({ ...emptyTest(0), stdin: '1\n', expected: '1\n', hidden: true, timeoutMs: '2000', memoryMb: '128' });
    const payload = payloadFromForm(form);
    expect(payload).toMatchObject({
      title: 'Two sum', difficulty: 'medium', tags: [], starters: {}, visibility: 'private',
      comparison: { mode: 'trailing_whitespace', abs_tolerance: 1e-6, rel_tolerance: 1e-6 },
    });
    expect(payload.tests).toEqual([{
      name: 'test1', stdin: '1\n', expected_stdout: '1\n', hidden: true, weight: 1,
      limits: { run_timeout_ms: 2000, memory_mb: 128 },
    }]);
  });
  it('passes a non-number through for the server to name, never a guess', () => {
    const form = emptyForm();
    form.tests.push({ ...emptyTest(0), weight: 'heavy' });
    expect(payloadFromForm(form).tests[0]!.weight).toBe('heavy');
  });
  it('cleans tags and names new tests uniquely', () => {
    expect(parseTags(' graphs, BFS ,, Graphs,bfs ')).toEqual(['graphs', 'BFS']);
    expect(nextTestName([{ name: 'test1' }, { name: 'test3' }])).toBe('test4');
    expect(nextTestName([{ name: 'test2' }])).toBe('test3');
    expect(nextTestName([{ name: 'test2' }, { name: 'x' }])).toBe('test3');
    expect(nextTestName([])).toBe('test1');
  });
});

describe('server validation messages, per field', () => {
  it('splits a schema error into the fields it names', () => {
    const errors = fieldErrors(
      'Invalid request: title: String should have at least 1 character; tests.2.name: String should match pattern \'^[A-Za-z0-9]$\'; tests: List should have at most 100 items after validation, not 101',
      'validation_error',
    );
    expect(errors).toEqual([
      { field: 'title', message: 'Title: must not be empty' },
      { field: 'tests', test: 2, testField: 'name', message: 'Test 3, name: use letters, digits, dot, dash or underscore (no spaces)' },
      { field: 'tests', message: 'Tests: at most 100 allowed, not 101' },
    ]);
  });
  it('reads whole-question rules and starters', () => {
    expect(fieldErrors("Invalid request: tests: Value error, two tests are named 'a'")).toEqual([
      { field: 'tests', message: "Tests: two tests are named 'a'" },
    ]);
    expect(fieldErrors('Invalid request: starters.python: Value error, the python starter is 70000 bytes; at most 65536')[0])
      .toEqual({ field: 'starters', language: 'python', message: 'Starter code (python): the python starter is 70000 bytes; at most 65536' });
    expect(fieldErrors('Invalid request: tests.0.limits.run_timeout_ms: Input should be less than or equal to 600000')[0])
      .toMatchObject({ test: 0, testField: 'limits', message: 'Test 1, time limit (ms): must be less than or equal to 600000' });
    expect(fieldErrors('Invalid request: tests.1.weight: Input should be greater than or equal to 1')[0]!.message)
      .toBe('Test 2, weight: must be greater than or equal to 1');
  });
  it('keeps any other error whole, as the server wrote it', () => {
    expect(fieldErrors('Only its author can change it.', 'not_question_author')).toEqual([
      { field: 'form', message: 'Only its author can change it.' },
    ]);
    expect(fieldErrors("Starter code for 'cobol', which is not a language of this server", 'unknown_language')[0]!.field)
      .toBe('starters');
    expect(fieldErrors('Invalid request: colour: Extra inputs are not permitted')).toEqual([
      { field: 'form', message: 'colour: is not a field of a question' },
    ]);
  });
});
