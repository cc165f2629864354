/**
 * The room's question and test runs as plain data: what a loaded question holds, how a test run
 * reads as rows, and how an activity mark reads as a sentence. No DOM here (tests beside it).
 *
 * `questionStarter(language)` is the one hook for other features (the language-change starter
 * offer): it answers the starter of the question currently loaded in this tab's room, or null.
 */
import type { Stage } from '../core/api';
import { formatDuration } from '../core/runResult';

export interface QuestionTest {
  name: string;
  stdin: string;
  expected_stdout: string | null;
  hidden: boolean;
}

/** A question as `question:loaded` carries it; `guide` only reaches interviewers. */
export interface RoomQuestion {
  question_id: string;
  revision: number;
  title: string;
  prompt: string;
  difficulty: string;
  starters: Record<string, string>;
  tests: QuestionTest[];
  test_count: number;
  hidden_test_count: number;
  guide?: string;
}

export interface TestOutcome {
  name: string;
  hidden: boolean;
  status: string;
  stage: Stage;
  stdin?: string;
  expected_stdout?: string | null;
}

export interface TestRunResult {
  status: string;
  language: string;
  compile: Stage | null;
  message?: string | null;
  tests: TestOutcome[];
  passed: number;
  total: number;
  hidden_passed?: number;
  hidden_total?: number;
  question_title?: string;
}

export interface TestsFinished {
  run_id: string;
  question_id: string;
  started_by: { name?: string } | null;
  result: TestRunResult | null;
  error: { code: string; message: string } | null;
}

let current: RoomQuestion | null = null;

/** Remembers the question loaded in this tab's room (null when it leaves the room). */
export function setCurrentQuestion(question: RoomQuestion | null): void {
  current = question;
}

/** The starter code of the loaded question for `language`, or null (no question, no starter). */
export function questionStarter(language: string): string | null {
  return starterOf(current, language);
}

export function starterOf(question: RoomQuestion | null, language: string): string | null {
  const value = question?.starters[language];
  return typeof value === 'string' ? value : null;
}

export interface TestRow {
  name: string;
  hidden: boolean;
  passed: boolean;
  verdict: string;
  input: string | null;
  expected: string | null;
  actual: string | null;
  time: string;
}

const VERDICT_LABELS: Record<string, string> = {
  ok: 'Passed',
  wrong_answer: 'Wrong answer',
  runtime_error: 'Runtime error',
  time_limit: 'Time limit',
  memory_limit: 'Memory limit',
  output_limit: 'Output limit',
  compile_error: 'Compile error',
  internal_error: 'Internal error',
};

export function verdictLabel(status: string): string {
  return VERDICT_LABELS[status] ?? status.replace(/_/g, ' ');
}

/** One row per test the server sent (a candidate is sent only the visible ones). */
export function testRows(result: TestRunResult): TestRow[] {
  return result.tests.map((t) => ({
    name: t.name,
    hidden: t.hidden,
    passed: t.status === 'ok',
    verdict: verdictLabel(t.status),
    input: t.stdin ?? null,
    expected: t.expected_stdout ?? null,
    actual: t.stage.stdout + (t.stage.stderr ? `\n${t.stage.stderr}` : ''),
    time: formatDuration(t.stage.wall_ms),
  }));
}

/** "3 of 5 tests passed · hidden: 1 of 2 passed". */
export function testSummary(result: TestRunResult): string {
  const parts = [`${result.passed} of ${result.total} tests passed`];
  if (result.hidden_total) parts.push(`hidden: ${result.hidden_passed ?? 0} of ${result.hidden_total} passed`);
  return parts.join(' · ');
}

export interface ActivityMark {
  participant_id: string;
  name: string;
  role: string;
  kind: string;
  chars: number | null;
  away_ms: number | null;
  at: string;
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** "pasted 412 characters", "left the tab", "left the tab for 38 s" … */
export function activityText(mark: Pick<ActivityMark, 'kind' | 'chars' | 'away_ms'>): string {
  switch (mark.kind) {
    case 'paste':
      return `pasted ${mark.chars ?? 0} character${mark.chars === 1 ? '' : 's'}`;
    case 'hidden':
      return 'left the tab';
    case 'visible':
      return mark.away_ms !== null ? `left the tab for ${seconds(mark.away_ms)}` : 'came back to the tab';
    case 'blur':
      return 'left the editor';
    case 'focus':
      return mark.away_ms !== null ? `was outside the editor for ${seconds(mark.away_ms)}` : 'came back to the editor';
    default:
      return mark.kind;
  }
}
