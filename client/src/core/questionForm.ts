/**
 * The question editor's pure core: the REST shapes of the question bank (server/questions/
 * schemas.py), the editor's form state, and the mappings between them, plus the reading of a
 * server validation message into per-field messages. The page (pages/questionEditor.ts) only
 * wires these into inputs.
 */

export type Difficulty = 'easy' | 'medium' | 'hard';
export type Visibility = 'private' | 'shared';
export type ComparisonMode = 'exact' | 'trailing_whitespace' | 'tokens' | 'float';

export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard'];
export const COMPARISON_MODES: readonly { id: ComparisonMode; label: string }[] = [
  { id: 'trailing_whitespace', label: 'Ignore trailing whitespace' },
  { id: 'exact', label: 'Exact, byte for byte' },
  { id: 'tokens', label: 'Same words (any whitespace)' },
  { id: 'float', label: 'Numbers within a tolerance' },
];

export interface PerTestLimits {
  run_timeout_ms?: number | null;
  memory_mb?: number | null;
}

export interface QuestionTest {
  name: string;
  stdin: string;
  expected_stdout: string | null;
  hidden: boolean;
  weight: number;
  limits: PerTestLimits;
}

export interface Comparison {
  mode: ComparisonMode;
  abs_tolerance: number;
  rel_tolerance: number;
}

export interface QuestionSummary {
  id: string;
  title: string;
  difficulty: Difficulty;
  tags: string[];
  languages: string[];
  test_count: number;
  hidden_test_count: number;
  visibility: Visibility;
  built_in: boolean;
  owned: boolean;
  revision: number;
  updated_at: string;
}

export interface QuestionDetail extends QuestionSummary {
  prompt: string;
  guide: string;
  starters: Record<string, string>;
  tests: QuestionTest[];
  comparison: Comparison;
}

export interface RevisionSummary {
  number: number;
  title: string;
  created_at: string;
  author_name?: string | null;
}

/** What a revision held (``GET …/revisions/N``). */
export interface RevisionDetail {
  number: number;
  created_at: string;
  title: string;
  prompt: string;
  difficulty: Difficulty;
  tags: string[];
  guide: string;
  starters: Record<string, string>;
  tests: QuestionTest[];
  comparison: Comparison;
}

/** One test case as the editor holds it: every input is a string until it is sent. */
export interface TestForm {
  name: string;
  stdin: string;
  expected: string;
  /** The test was loaded without an expected output: an empty box keeps it that way. */
  noExpected: boolean;
  hidden: boolean;
  weight: string;
  timeoutMs: string;
  memoryMb: string;
}

export interface QuestionForm {
  title: string;
  prompt: string;
  difficulty: Difficulty;
  /** Comma-separated, as typed. */
  tags: string;
  guide: string;
  /** Language id → starter code, in the order the languages were added. */
  starters: [string, string][];
  tests: TestForm[];
  comparison: ComparisonMode;
  absTolerance: string;
  relTolerance: string;
  visibility: Visibility;
}

/** The body of ``POST /api/questions`` (and, key by key, of a PATCH). */
export interface QuestionPayload {
  title: string;
  prompt: string;
  difficulty: Difficulty;
  tags: string[];
  guide: string;
  starters: Record<string, string>;
  tests: QuestionTest[];
  comparison: Comparison;
  visibility: Visibility;
}

export const DEFAULT_TOLERANCE = 1e-6;

export function emptyTest(index: number): TestForm {
  return {
    name: `test${index + 1}`, stdin: '', expected: '', noExpected: false, hidden: false,
    weight: '1', timeoutMs: '', memoryMb: '',
  };
}

export function emptyForm(): QuestionForm {
  return {
    title: '', prompt: '', difficulty: 'medium', tags: '', guide: '', starters: [], tests: [],
    comparison: 'trailing_whitespace', absTolerance: String(DEFAULT_TOLERANCE),
    relTolerance: String(DEFAULT_TOLERANCE), visibility: 'private',
  };
}

/** A name no other test of ``tests`` has (``test1``, ``test2``, …). */
export function nextTestName(tests: readonly { name: string }[]): string {
  const taken = new Set(tests.map((t) => t.name));
  let n = tests.length + 1;
  while (taken.has(`test${n}`)) n += 1;
  return `test${n}`;
}

export function formFromQuestion(q: QuestionDetail | RevisionDetail, visibility?: Visibility): QuestionForm {
  return {
    title: q.title,
    prompt: q.prompt,
    difficulty: q.difficulty,
    tags: q.tags.join(', '),
    guide: q.guide,
    starters: Object.entries(q.starters),
    tests: q.tests.map((t) => ({
      name: t.name,
      stdin: t.stdin,
      expected: t.expected_stdout ?? '',
      noExpected: t.expected_stdout === null,
      hidden: t.hidden,
      weight: String(t.weight),
      timeoutMs: t.limits.run_timeout_ms ? String(t.limits.run_timeout_ms) : '',
      memoryMb: t.limits.memory_mb ? String(t.limits.memory_mb) : '',
    })),
    comparison: q.comparison.mode,
    absTolerance: String(q.comparison.abs_tolerance),
    relTolerance: String(q.comparison.rel_tolerance),
    visibility: visibility ?? ('visibility' in q ? q.visibility : 'private'),
  };
}

/** "graphs, BFS ,, graphs" → ["graphs", "BFS"]: trimmed, empty ones and repeats dropped. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    const key = tag.toLocaleLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/**
 * A typed number, or what was typed when it is not one (the server then names the field:
 * the page never guesses a value for the user). An empty box is ``fallback``.
 */
function numberOr<T>(text: string, fallback: T): number | string | T {
  const trimmed = text.trim();
  if (!trimmed) return fallback;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

export function payloadFromForm(form: QuestionForm): QuestionPayload {
  return {
    title: form.title.trim(),
    prompt: form.prompt,
    difficulty: form.difficulty,
    tags: parseTags(form.tags),
    guide: form.guide,
    starters: Object.fromEntries(form.starters),
    tests: form.tests.map((t) => {
      const limits: PerTestLimits = {};
      const timeout = numberOr(t.timeoutMs, null);
      const memory = numberOr(t.memoryMb, null);
      if (timeout !== null) limits.run_timeout_ms = timeout as number;
      if (memory !== null) limits.memory_mb = memory as number;
      return {
        name: t.name.trim(),
        stdin: t.stdin,
        expected_stdout: t.noExpected && t.expected === '' ? null : t.expected,
        hidden: t.hidden,
        weight: numberOr(t.weight, 1) as number,
        limits,
      };
    }),
    comparison: {
      mode: form.comparison,
      abs_tolerance: numberOr(form.absTolerance, DEFAULT_TOLERANCE) as number,
      rel_tolerance: numberOr(form.relTolerance, DEFAULT_TOLERANCE) as number,
    },
    visibility: form.visibility,
  };
}

/** The limits as the server answers them (``null`` for unset) next to ours (left out). */
function sameLimits(a: PerTestLimits, b: PerTestLimits): boolean {
  return (a.run_timeout_ms ?? null) === (b.run_timeout_ms ?? null) && (a.memory_mb ?? null) === (b.memory_mb ?? null);
}

function sameTests(a: QuestionTest[], b: QuestionTest[]): boolean {
  return a.length === b.length && a.every((t, i) => {
    const u = b[i]!;
    return t.name === u.name && t.stdin === u.stdin && t.expected_stdout === u.expected_stdout &&
      t.hidden === u.hidden && t.weight === u.weight && sameLimits(t.limits, u.limits);
  });
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/**
 * The PATCH body for an edit: only the keys that changed, since every change the server takes
 * is a new revision (saving an untouched question makes none). ``{}`` when nothing changed.
 */
export function changedFields(before: QuestionDetail, after: QuestionPayload): Partial<QuestionPayload> {
  const out: Partial<QuestionPayload> = {};
  if (after.title !== before.title) out.title = after.title;
  if (after.prompt !== before.prompt) out.prompt = after.prompt;
  if (after.difficulty !== before.difficulty) out.difficulty = after.difficulty;
  if (after.tags.join('\u0000') !== before.tags.join('\u0000')) out.tags = after.tags;
  if (after.guide !== before.guide) out.guide = after.guide;
  if (!sameRecord(after.starters, before.starters)) out.starters = after.starters;
  if (!sameTests(after.tests, before.tests)) out.tests = after.tests;
  const c = after.comparison;
  const d = before.comparison;
  if (c.mode !== d.mode || c.abs_tolerance !== d.abs_tolerance || c.rel_tolerance !== d.rel_tolerance) {
    out.comparison = c;
  }
  if (after.visibility !== before.visibility) out.visibility = after.visibility;
  return out;
}

/** Where in the form a server message belongs: a top-level field, or one test's field. */
export interface FieldError {
  /** ``title``, ``prompt``, ``difficulty``, ``tags``, ``guide``, ``starters``, ``tests``,
   * ``comparison``, ``visibility``, or ``form`` when it names no field of the form. */
  field: string;
  /** The test's index for a message about one test. */
  test?: number;
  /** The test's field (``name``, ``stdin``, ``expected_stdout``, ``weight``, ``limits``). */
  testField?: string;
  /** The starter's language for a message about one starter. */
  language?: string;
  message: string;
}

const FORM_FIELDS = new Set([
  'title', 'prompt', 'difficulty', 'tags', 'guide', 'starters', 'tests', 'comparison', 'visibility',
]);

const LABELS: Record<string, string> = {
  title: 'Title', prompt: 'Prompt', difficulty: 'Difficulty', tags: 'Tags', guide: 'Interviewer guide',
  starters: 'Starter code', tests: 'Tests', comparison: 'Comparison', visibility: 'Visibility',
};

/** A test's fields as the editor labels them. */
const TEST_FIELD_LABELS: Record<string, string> = {
  name: 'name', stdin: 'input', expected_stdout: 'expected output', weight: 'weight', hidden: 'hidden',
  'limits.run_timeout_ms': 'time limit (ms)', 'limits.memory_mb': 'memory (MB)',
};

/** Pydantic's phrasing, made to read as a sentence about the field it is attached to. */
function humanise(text: string): string {
  return text
    .replace(/^Value error, /, '')
    .replace(/^String should have at least 1 character$/, 'must not be empty')
    .replace(/^List should have at most (\d+) items after validation, not (\d+)$/, 'at most $1 allowed, not $2')
    .replace(/^String should match pattern .*$/, 'use letters, digits, dot, dash or underscore (no spaces)')
    .replace(/^Extra inputs are not permitted$/, 'is not a field of a question')
    .replace(/^Input should be /, 'must be ');
}

/**
 * Reads the server's ``validation_error`` sentence (``Invalid request: tests.3.name: String
 * should match pattern …; title: …``) into messages per field. Any other error (an unknown
 * language, a name used twice, "not your question") is one ``form`` message, as sent.
 */
export function fieldErrors(message: string, code?: string): FieldError[] {
  const prefix = 'Invalid request: ';
  if (!message.startsWith(prefix)) {
    return [{ field: code === 'unknown_language' ? 'starters' : 'form', message }];
  }
  const out: FieldError[] = [];
  // Parts are joined with "; ", which a message may hold too ("70000 bytes; at most 65536"):
  // a new part starts only where a field path and ": " follow.
  for (const part of message.slice(prefix.length).split(/; (?=[A-Za-z_][\w.[\]]*: )/)) {
    const colon = part.indexOf(': ');
    if (colon < 0) {
      out.push({ field: 'form', message: part });
      continue;
    }
    const path = part.slice(0, colon).split('.');
    const text = humanise(part.slice(colon + 2));
    const head = path[0] ?? '';
    if (!FORM_FIELDS.has(head)) {
      out.push({ field: 'form', message: `${path.join('.')}: ${text}` });
      continue;
    }
    const error: FieldError = { field: head, message: `${LABELS[head] ?? head}: ${text}` };
    if (head === 'tests' && path.length >= 2 && /^\d+$/.test(path[1]!)) {
      error.test = Number(path[1]);
      error.testField = path[2];
      const what = TEST_FIELD_LABELS[path.slice(2).join('.')] ?? (path.slice(2).join(' ').replace(/_/g, ' ') || 'this test');
      error.message = `Test ${error.test + 1}, ${what}: ${text}`;
    } else if (head === 'starters' && path.length >= 2) {
      error.language = path[1];
      error.message = `Starter code (${path[1]}): ${text}`;
    }
    out.push(error);
  }
  return out;
}
