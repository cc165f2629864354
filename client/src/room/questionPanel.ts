/**
 * The question pane beside the editor: the loaded question's prompt (Markdown through our own
 * escaping renderer, read-only), the Run tests button and the last test run as a table. For the
 * interviewer it also holds the picker (the interview's questions and the bank). The guide has
 * its own panel (`guidePanel`), which only the interviewer's page builds.
 */
import { h, replaceChildren } from '../core/dom';
import { renderMarkdown } from '../core/markdown';
import { type RoomQuestion, testRows, type TestsFinished, testSummary, verdictLabel } from './questionCore';

export interface QuestionChoice {
  id: string;
  title: string;
}

export interface QuestionPaneOptions {
  isInterviewer: boolean;
  onRunTests: () => void;
  onLoad?: (questionId: string) => void;
  /** The questions the picker offers (the interview's first, then the bank). */
  choices?: () => Promise<QuestionChoice[]>;
}

export class QuestionPane {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly prompt: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly results: HTMLElement;
  private readonly picker: HTMLSelectElement | null = null;
  private question: RoomQuestion | null = null;
  private running = false;
  private allowed = true;

  constructor(private readonly options: QuestionPaneOptions) {
    this.title = h('h2', { class: 'question-title' }, 'No question loaded');
    this.prompt = h('div', { class: 'question-prompt markdown', 'aria-label': 'Question prompt', tabindex: 0 },
      h('p', { class: 'muted' }, options.isInterviewer ? 'Pick a question to show its prompt to the candidate.' : 'Your interviewer has not loaded a question yet.'));
    // Hidden (not only disabled) until a question is loaded: before that there is nothing to test.
    this.runButton = h('button', { type: 'button', class: 'btn btn-primary run-tests', disabled: true, hidden: true, onclick: () => this.requestRun() }, 'Run tests');
    this.status = h('p', { class: 'tests-status', role: 'status', 'aria-live': 'polite' });
    this.results = h('div', { class: 'tests-results', 'aria-live': 'polite' });
    let pickerRow: HTMLElement | null = null;
    if (options.isInterviewer) {
      const picker = h('select', { class: 'question-picker', 'aria-label': 'Question to load' }, h('option', { value: '' }, 'Choose a question…'));
      this.picker = picker;
      const load = h('button', {
        type: 'button', class: 'btn btn-small', onclick: () => {
          if (picker.value) options.onLoad?.(picker.value);
        },
      }, 'Load');
      const refresh = (): void => {
        void options.choices?.().then((choices) => {
          const selected = this.question?.question_id ?? picker.value;
          replaceChildren(picker, h('option', { value: '' }, 'Choose a question…'),
            choices.map((c) => h('option', { value: c.id }, c.title)));
          picker.value = selected;
        }).catch(() => undefined);
      };
      picker.addEventListener('focus', refresh, { once: true });
      refresh();
      pickerRow = h('div', { class: 'question-pick' }, picker, load);
    }
    this.el = h('section', { class: 'question-pane is-empty', 'aria-label': 'Question' },
      pickerRow,
      this.title,
      this.prompt,
      h('div', { class: 'tests-head' }, this.runButton, this.status),
      this.results);
  }

  get current(): RoomQuestion | null {
    return this.question;
  }

  show(question: RoomQuestion | null): void {
    this.question = question;
    if (!question) return;
    this.title.textContent = question.title;
    this.prompt.innerHTML = renderMarkdown(question.prompt);
    const hidden = question.hidden_test_count;
    this.status.textContent = `${question.test_count} test${question.test_count === 1 ? '' : 's'}${hidden ? `, ${hidden} hidden` : ''}.`;
    if (this.picker) this.picker.value = question.question_id;
    this.runButton.hidden = false;
    this.el.classList.remove('is-empty');
    this.applyButton();
  }

  setAllowed(allowed: boolean): void {
    this.allowed = allowed;
    this.applyButton();
  }

  private applyButton(): void {
    this.runButton.disabled = !this.allowed || this.running || !this.question || this.question.test_count === 0;
  }

  private requestRun(): void {
    if (this.runButton.disabled) return;
    this.options.onRunTests();
  }

  started(by: string): void {
    this.running = true;
    this.applyButton();
    this.status.textContent = `Running the tests (started by ${by})…`;
  }

  failed(message: string): void {
    this.running = false;
    this.applyButton();
    this.status.textContent = message;
  }

  finished(info: TestsFinished): void {
    this.running = false;
    this.applyButton();
    if (!info.result) {
      this.status.textContent = info.error?.message ?? 'The test run failed.';
      replaceChildren(this.results);
      return;
    }
    const result = info.result;
    const tone = result.status === 'accepted' ? 'ok' : 'error';
    this.status.replaceChildren(
      h('span', { class: `badge badge-${tone}` }, result.status === 'accepted' ? 'All tests passed' : verdictLabel(result.status)),
      ' ', testSummary(result));
    const compileErr = result.compile && result.compile.exit_code !== 0 ? result.compile.stderr || result.compile.stdout : '';
    const rows = testRows(result).map((row) => h('tr', { class: row.passed ? 'test-pass' : 'test-fail' },
      h('td', null, row.name, row.hidden ? h('span', { class: 'badge badge-hidden' }, 'hidden') : null),
      h('td', null, h('span', { class: `badge badge-${row.passed ? 'ok' : 'error'}` }, row.verdict)),
      h('td', null, h('pre', null, row.input ?? '')),
      h('td', null, h('pre', null, row.expected ?? '')),
      h('td', null, h('pre', null, row.actual ?? '')),
      h('td', null, row.time)));
    replaceChildren(this.results,
      compileErr ? h('pre', { class: 'tests-compile' }, compileErr) : null,
      rows.length ? h('table', { class: 'tests-table' },
        h('thead', null, h('tr', null, ['Test', 'Verdict', 'Input', 'Expected', 'Actual', 'Time'].map((t) => h('th', null, t)))),
        h('tbody', null, rows)) : null,
      result.hidden_total && !result.tests.some((t) => t.hidden)
        ? h('p', { class: 'muted small tests-hidden-note' }, `Hidden tests: ${result.hidden_passed ?? 0} of ${result.hidden_total} passed. Their inputs stay with the interviewer.`)
        : null);
  }

  close(): void {
    this.allowed = false;
    this.applyButton();
  }
}

/** The interviewer's guide for the loaded question (never sent to a candidate by the server). */
export function guidePanel(): { el: HTMLElement; show: (question: RoomQuestion | null) => void } {
  const body = h('div', { class: 'guide-body markdown' }, h('p', { class: 'muted' }, 'Load a question to see its guide.'));
  const el = h('div', { class: 'guide' },
    h('p', { class: 'muted small' }, 'Only interviewers see the guide.'), body);
  return {
    el,
    show: (question) => {
      if (!question) return;
      body.innerHTML = question.guide ? renderMarkdown(question.guide) : '<p class="muted">This question has no guide.</p>';
    },
  };
}
