import { describe, expect, it } from 'vitest';
import type { RunResult, Stage } from './api';
import { formatDuration, formatMemory, formatRunResult, outputAsText, verdictBadge } from './runResult';

const stage = (over: Partial<Stage> = {}): Stage => ({
  stdout: '',
  stderr: '',
  exit_code: 0,
  signal: null,
  wall_ms: 42,
  cpu_ms: 30,
  memory_kb: 9216,
  stdout_truncated: false,
  stderr_truncated: false,
  ...over,
});

describe('formatRunResult', () => {
  it('shows stdout, time and memory for an ok run', () => {
    const view = formatRunResult({ status: 'ok', language: 'python', compile: null, run: stage({ stdout: 'hi\n' }) });
    expect(view.badge).toEqual({ label: 'OK', tone: 'ok' });
    expect(view.blocks).toEqual([{ title: 'stdout', text: 'hi\n', truncated: false, tone: 'out' }]);
    expect(view.facts).toContain('time 42 ms');
    expect(view.facts).toContain('memory 9.0 MB');
  });

  it('shows the compiler output and no run for a compile error', () => {
    const result: RunResult = {
      status: 'compile_error',
      language: 'c',
      compile: stage({ stderr: "main.c:1: error: expected ';'", exit_code: 1, wall_ms: 120 }),
      run: null,
    };
    const view = formatRunResult(result);
    expect(view.badge.label).toBe('Compile error');
    expect(view.blocks).toHaveLength(1);
    expect(view.blocks[0]).toMatchObject({ title: 'Compiler output', tone: 'err' });
    expect(view.blocks[0]?.text).toContain("expected ';'");
    expect(view.facts).toEqual(['compile 120 ms']);
  });

  it('marks truncated output instead of hiding it', () => {
    const view = formatRunResult({
      status: 'output_limit',
      language: 'python',
      compile: null,
      run: stage({ stdout: 'x'.repeat(10), stdout_truncated: true, exit_code: null, signal: 'SIGKILL' }),
    });
    expect(view.badge.tone).toBe('warn');
    expect(view.blocks[0]?.truncated).toBe(true);
    expect(view.facts).toContain('signal SIGKILL');
  });

  it('keeps stderr of a runtime error and the exit code', () => {
    const view = formatRunResult({
      status: 'runtime_error',
      language: 'python',
      compile: null,
      run: stage({ stderr: 'ZeroDivisionError', exit_code: 1 }),
    });
    expect(view.blocks.map((b) => b.title)).toEqual(['stdout', 'stderr']);
    expect(view.facts).toContain('exit code 1');
  });

  it('carries the message of an internal error', () => {
    const view = formatRunResult({ status: 'internal_error', language: 'go', compile: null, run: null, message: 'sandbox lost' });
    expect(view.badge.label).toBe('Internal error');
    expect(view.message).toBe('sandbox lost');
    expect(view.blocks).toEqual([]);
  });
});

describe('labels and units', () => {
  it('has a badge for every verdict, and a fallback', () => {
    for (const v of ['ok', 'compile_error', 'runtime_error', 'time_limit', 'memory_limit', 'output_limit', 'internal_error']) {
      expect(verdictBadge(v).label).not.toContain('_');
    }
    expect(verdictBadge('brand_new').label).toBe('brand new');
  });
  it('formats durations and sizes', () => {
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(null)).toBe('—');
    expect(formatMemory(512)).toBe('512 KB');
    expect(formatMemory(262144)).toBe('256 MB');
  });
});

describe('copying the output', () => {
  it('copies a lone block as it is and several under their titles', () => {
    const one = formatRunResult({ status: 'ok', language: 'python', compile: null, run: stage({ stdout: '7\n' }) });
    expect(outputAsText(one)).toBe('7\n');
    const two = formatRunResult({ status: 'runtime_error', language: 'python', compile: null, run: stage({ stdout: 'a\n', stderr: 'Traceback\n' }) });
    expect(outputAsText(two)).toBe('stdout:\na\n\nstderr:\nTraceback');
  });
});
