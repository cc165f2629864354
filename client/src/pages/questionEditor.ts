/**
 * One question of the bank: write a new one, change yours (each save is a new revision), or read
 * a built-in or shared one and copy it. The form's state and its mapping to the API live in
 * core/questionForm.ts; this module wires them into inputs. The prompt's preview is
 * core/markdown.ts (escapes everything, no raw HTML), as in the room.
 */
import { type PageContext, requireUser, type View } from '../app';
import { ApiError, http, type Language } from '../core/api';
import { confirmDialog } from '../core/dialog';
import { alertBox, h, replaceChildren } from '../core/dom';
import { formatDateTime } from '../core/format';
import { languageName } from '../core/languageLabel';
import { renderMarkdown } from '../core/markdown';
import {
  changedFields,
  COMPARISON_MODES,
  DIFFICULTIES,
  emptyForm,
  emptyTest,
  type FieldError,
  fieldErrors,
  formFromQuestion,
  nextTestName,
  payloadFromForm,
  type QuestionDetail,
  type QuestionForm,
  type RevisionDetail,
  type RevisionSummary,
  type TestForm,
} from '../core/questionForm';
import { difficultyBadge, errorText, sourceBadge } from './questions';

const TEXTAREA_MAX = 256 * 1024;

function notFoundView(): View {
  return {
    title: 'Not found',
    chrome: 'app',
    el: h('div', { class: 'card narrow' }, h('h1', null, 'Question not found'),
      h('p', null, 'It may have been deleted, or it is someone else’s private question.'),
      h('a', { href: '/questions' }, 'Back to the questions')),
  };
}

export async function questionEditorPage(ctx: PageContext): Promise<View> {
  await requireUser(ctx);
  const id = ctx.params['id'];
  const languages = await http.get<Language[]>('/api/languages').catch(() => [] as Language[]);
  let detail: QuestionDetail | null = null;
  if (id) {
    try {
      detail = await http.get<QuestionDetail>(`/api/questions/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return notFoundView();
      throw error;
    }
  }
  if (detail && !detail.owned) return readOnlyView(ctx, detail, languages);
  return editorView(ctx, detail, languages);
}

// ---- shared pieces ---------------------------------------------------------------------------

function crumbs(): HTMLElement {
  return h('p', { class: 'crumbs' }, h('a', { href: '/questions' }, 'Questions'), ' / ');
}

function preview(source: string, empty: string): string {
  return source.trim() ? renderMarkdown(source) : `<p class="muted">${empty}</p>`;
}

function exportLink(q: QuestionDetail): HTMLElement {
  return h('a', { href: `/api/questions/${q.id}/export`, class: 'btn', download: '' }, 'Export ZIP');
}

function scheduleLink(q: QuestionDetail): HTMLElement {
  return h('a', { href: `/schedule?question=${encodeURIComponent(q.id)}`, class: 'btn' }, 'Schedule with it');
}

/** The tests of a question or a revision, as a table (the hidden ones marked). */
function testsTable(tests: QuestionDetail['tests']): HTMLElement {
  if (tests.length === 0) return h('p', { class: 'muted' }, 'No tests.');
  return h('div', { class: 'tests-results' }, h('table', { class: 'tests-table' },
    h('thead', null, h('tr', null, ['Name', 'Input', 'Expected output', 'Weight'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, tests.map((t) => h('tr', null,
      h('td', null, t.name, t.hidden ? h('span', { class: 'badge badge-hidden' }, 'hidden') : null),
      h('td', null, h('pre', null, t.stdin)),
      h('td', null, t.expected_stdout === null ? h('span', { class: 'muted' }, 'not compared') : h('pre', null, t.expected_stdout)),
      h('td', null, String(t.weight)))))));
}

function contentView(q: QuestionDetail | RevisionDetail, languages: Language[]): HTMLElement[] {
  return [
    h('section', { class: 'card' }, h('h2', null, 'Prompt'),
      Object.assign(h('div', { class: 'question-prompt markdown' }), { innerHTML: preview(q.prompt, 'No prompt.') })),
    h('section', { class: 'card' }, h('h2', null, 'Starter code'),
      Object.keys(q.starters).length === 0 ? h('p', { class: 'muted' }, 'No starter code.') : Object.entries(q.starters).map(([lang, code]) =>
        h('div', { class: 'starter-view' }, h('h3', null, languageName(languages, lang)), h('pre', { class: 'code-block', tabindex: 0 }, code)))),
    h('section', { class: 'card' }, h('h2', null, `Tests (${q.tests.length})`),
      h('p', { class: 'muted small' }, `Compared: ${COMPARISON_MODES.find((m) => m.id === q.comparison.mode)?.label ?? q.comparison.mode}`),
      testsTable(q.tests)),
    h('section', { class: 'card' }, h('h2', null, 'Interviewer guide'),
      Object.assign(h('div', { class: 'guide-body markdown' }), { innerHTML: preview(q.guide, 'No guide.') })),
  ];
}

// ---- someone else's (or a built-in) question: read and copy --------------------------------

function readOnlyView(ctx: PageContext, q: QuestionDetail, languages: Language[]): View {
  const alert = alertBox();
  const copy = h('button', {
    type: 'button', class: 'btn btn-primary',
    onclick: () => {
      http.post<QuestionDetail>(`/api/questions/${q.id}/copy`)
        .then((made) => ctx.navigate(`/questions/${made.id}?copied=1`))
        .catch((error: unknown) => alert.show(errorText(error)));
    },
  }, 'Copy to my questions');
  return {
    title: q.title,
    chrome: 'app',
    el: h('div', { class: 'stack-lg' },
      h('div', { class: 'page-head' },
        h('div', null, crumbs(), h('h1', null, q.title),
          h('p', { class: 'row' }, difficultyBadge(q.difficulty), sourceBadge(q),
            q.tags.map((t) => h('span', { class: 'tag-chip tag-static' }, t)))),
        h('div', { class: 'head-actions' }, scheduleLink(q), exportLink(q), copy)),
      h('p', { class: 'muted' }, q.built_in
        ? 'A question shipped with Onsite: use it in interviews as it is, or copy it to change your own version.'
        : 'Someone else’s shared question: use it as it is, or copy it to change your own version.'),
      alert.el,
      ...contentView(q, languages)),
  };
}

// ---- your question, or a new one: the editor -------------------------------------------------

/** The test fields typed as text. */
type TextKey = 'name' | 'stdin' | 'expected' | 'weight' | 'timeoutMs' | 'memoryMb';
/** Each one's key in the API's test (what a validation message names). */
const FIELD_OF: Record<TextKey, string> = {
  name: 'name', stdin: 'stdin', expected: 'expected_stdout', weight: 'weight', timeoutMs: 'limits', memoryMb: 'limits',
};

interface Errors {
  show: (errors: FieldError[]) => void;
  clear: () => void;
}

function editorView(ctx: PageContext, loaded: QuestionDetail | null, languages: Language[]): View {
  let detail = loaded;
  const form: QuestionForm = detail ? formFromQuestion(detail) : emptyForm();
  const topAlert = alertBox();
  const saveAlert = alertBox();
  if (ctx.query.get('copied')) topAlert.show('Copied: this version is yours to change.', 'ok');
  if (ctx.query.get('created')) topAlert.show('Saved the question as revision 1.', 'ok');
  if (ctx.query.get('copied') || ctx.query.get('created')) history.replaceState(null, '', location.pathname);

  // Every field's message slot, found by the key fieldErrors gives it.
  const slots = new Map<string, HTMLElement>();
  const slot = (key: string): HTMLElement => {
    const el = h('p', { class: 'field-error', id: `err-${key.replace(/[^a-z0-9]+/gi, '-')}`, hidden: true });
    slots.set(key, el);
    return el;
  };
  const keyOf = (e: FieldError): string =>
    e.test !== undefined ? `tests.${e.test}` : e.language !== undefined ? `starters.${e.language}` : e.field;

  const errors: Errors = {
    clear() {
      for (const el of slots.values()) {
        el.hidden = true;
        el.textContent = '';
        el.closest('.field, fieldset, .starter')?.classList.remove('has-error');
      }
      document.querySelectorAll('.question-form [aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
      saveAlert.hide();
    },
    show(list) {
      errors.clear();
      let first: HTMLElement | null = null;
      for (const e of list) {
        const target = e.field === 'form' ? undefined : slots.get(keyOf(e)) ?? slots.get(e.field);
        if (!target) continue; // said in the summary below, next to the save button

        target.textContent = target.textContent ? `${target.textContent} ${e.message}` : e.message;
        target.hidden = false;
        const box = target.closest('.field, fieldset, .starter');
        box?.classList.add('has-error');
        // In a test, only the input the message names turns red (the whole test is outlined).
        const inputs = e.testField ? box?.querySelectorAll(`[data-field="${e.testField}"]`) : box?.querySelectorAll('input, textarea, select');
        inputs?.forEach((el) => { el.setAttribute('aria-invalid', 'true'); el.setAttribute('aria-describedby', target.id); });
        first ??= target;
      }
      // The summary next to the save button names every problem, placed or not.
      saveAlert.show(`Not saved. ${list.map((e) => e.message).join(' ')}`);
      (first ?? saveAlert.el).scrollIntoView({ block: 'center', behavior: 'smooth' });
    },
  };

  // ---- basics ----
  const title = h('input', { type: 'text', id: 'q-title', value: form.title, maxlength: 300, 'aria-describedby': 'err-title' });
  title.addEventListener('input', () => { form.title = title.value; heading.textContent = title.value.trim() || 'New question'; });
  const difficulty = h('select', { id: 'q-difficulty' },
    DIFFICULTIES.map((d) => h('option', { value: d, selected: d === form.difficulty }, d.charAt(0).toUpperCase() + d.slice(1))));
  difficulty.addEventListener('change', () => { form.difficulty = difficulty.value as QuestionForm['difficulty']; });
  const tags = h('input', { type: 'text', id: 'q-tags', value: form.tags, placeholder: 'arrays, hashing' });
  tags.addEventListener('input', () => { form.tags = tags.value; });
  const visibility = h('select', { id: 'q-visibility' },
    h('option', { value: 'private', selected: form.visibility === 'private' }, 'Private (only me)'),
    h('option', { value: 'shared', selected: form.visibility === 'shared' }, 'Shared (all interviewers)'));
  visibility.addEventListener('change', () => { form.visibility = visibility.value as QuestionForm['visibility']; });
  const basics = h('section', { class: 'card' }, h('h2', null, 'Basics'),
    h('div', { class: 'q-basics' },
      h('div', { class: 'field q-title-field' }, h('label', { for: 'q-title' }, 'Title'), title, slot('title')),
      h('div', { class: 'field' }, h('label', { for: 'q-difficulty' }, 'Difficulty'), difficulty, slot('difficulty')),
      h('div', { class: 'field' }, h('label', { for: 'q-tags' }, 'Tags'), tags,
        h('small', { class: 'hint' }, 'Separated by commas.'), slot('tags')),
      h('div', { class: 'field' }, h('label', { for: 'q-visibility' }, 'Visibility'), visibility, slot('visibility'))));

  // ---- prompt with its live preview ----
  const prompt = h('textarea', { id: 'q-prompt', rows: 14, class: 'mono-input', value: form.prompt, maxlength: TEXTAREA_MAX,
    placeholder: '# Two sum\nGiven a list of numbers and a target, print the indices of the two that add up to it.' });
  const promptPreview = h('div', { class: 'question-prompt markdown prompt-preview', role: 'region', id: 'q-prompt-preview', 'aria-labelledby': 'q-preview-label' });
  const refreshPreview = (): void => { promptPreview.innerHTML = preview(form.prompt, 'The preview shows here as you type.'); };
  prompt.addEventListener('input', () => { form.prompt = prompt.value; refreshPreview(); });
  refreshPreview();
  const promptCard = h('section', { class: 'card' }, h('h2', null, 'Prompt'),
    h('p', { class: 'muted small' }, 'Markdown: headings, lists, **bold**, `code`, fenced code blocks and links. Raw HTML shows as text.'),
    h('div', { class: 'prompt-split' },
      h('div', { class: 'field' }, h('label', { for: 'q-prompt' }, 'Prompt (Markdown)'), prompt, slot('prompt')),
      h('div', { class: 'field' }, h('span', { class: 'preview-label', id: 'q-preview-label' }, 'Preview: what the candidate sees'),
        promptPreview)));

  // ---- starter code, per language ----
  const startersHost = h('div', { class: 'starters' });
  const addLanguage = h('select', { id: 'q-add-language', 'aria-label': 'Language to add starter code for' });
  const renderStarters = (): void => {
    for (const key of [...slots.keys()]) if (key.startsWith('starters.')) slots.delete(key);
    replaceChildren(startersHost, form.starters.length === 0
      ? h('p', { class: 'muted' }, 'No starter code: the room keeps the language’s own template.')
      : form.starters.map(([lang, code], index) => {
        const name = languageName(languages, lang);
        const area = h('textarea', { rows: 8, class: 'mono-input', value: code, spellcheck: 'false', 'aria-label': `${name} starter code`, maxlength: TEXTAREA_MAX });
        area.addEventListener('input', () => { form.starters[index] = [lang, area.value]; });
        return h('div', { class: 'starter', 'data-language': lang },
          h('div', { class: 'starter-head' }, h('strong', null, name),
            h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Remove the ${name} starter`,
              onclick: () => { form.starters.splice(index, 1); renderStarters(); } }, 'Remove')),
          area, slot(`starters.${lang}`));
      }));
    const present = new Set(form.starters.map(([lang]) => lang));
    const free = languages.filter((l) => !present.has(l.id));
    replaceChildren(addLanguage, free.map((l) => h('option', { value: l.id }, `${l.name} ${l.version}`)));
    addRow.hidden = free.length === 0;
  };
  const addRow = h('div', { class: 'row' }, addLanguage,
    h('button', {
      type: 'button', class: 'btn btn-small',
      onclick: () => {
        const lang = addLanguage.value;
        if (!lang) return;
        form.starters.push([lang, languages.find((l) => l.id === lang)?.stub ?? '']);
        renderStarters();
        startersHost.querySelector<HTMLTextAreaElement>(`.starter[data-language="${lang}"] textarea`)?.focus();
      },
    }, 'Add starter code'));
  const startersCard = h('section', { class: 'card' }, h('h2', null, 'Starter code'),
    h('p', { class: 'muted small' }, 'Loaded into the editor when the question is opened in a room in that language.'),
    slot('starters'), startersHost, addRow);

  // ---- tests and how they are compared ----
  const comparison = h('select', { id: 'q-comparison' },
    COMPARISON_MODES.map((m) => h('option', { value: m.id, selected: m.id === form.comparison }, m.label)));
  const absTol = h('input', { type: 'text', inputmode: 'decimal', id: 'q-abs-tol', value: form.absTolerance });
  const relTol = h('input', { type: 'text', inputmode: 'decimal', id: 'q-rel-tol', value: form.relTolerance });
  const tolerances = h('div', { class: 'row tolerances' },
    h('div', { class: 'field' }, h('label', { for: 'q-abs-tol' }, 'Absolute tolerance'), absTol),
    h('div', { class: 'field' }, h('label', { for: 'q-rel-tol' }, 'Relative tolerance'), relTol));
  const showTolerances = (): void => { tolerances.hidden = form.comparison !== 'float'; };
  comparison.addEventListener('change', () => { form.comparison = comparison.value as QuestionForm['comparison']; showTolerances(); });
  absTol.addEventListener('input', () => { form.absTolerance = absTol.value; });
  relTol.addEventListener('input', () => { form.relTolerance = relTol.value; });
  showTolerances();

  const testsHost = h('div', { class: 'test-list' });
  const testCount = h('span', { class: 'muted' });
  const renderTests = (): void => {
    for (const key of [...slots.keys()]) if (key.startsWith('tests.')) slots.delete(key);
    testCount.textContent = form.tests.length
      ? ` · ${form.tests.length} (${form.tests.filter((t) => t.hidden).length} hidden)` : '';
    replaceChildren(testsHost, form.tests.length === 0
      ? h('p', { class: 'muted' }, 'No tests yet: add one so “Run tests” in the room can check the code.')
      : form.tests.map((t, index) => testFieldset(t, index)));
  };
  const testFieldset = (t: TestForm, index: number): HTMLElement => {
    const n = index + 1;
    const input = (key: TextKey, el: HTMLInputElement | HTMLTextAreaElement): typeof el => {
      el.addEventListener('input', () => { t[key] = el.value; });
      el.dataset['field'] = FIELD_OF[key];
      return el;
    };
    const hidden = h('input', { type: 'checkbox', checked: t.hidden, 'aria-label': `Test ${n} hidden from the candidate` });
    hidden.addEventListener('change', () => { t.hidden = hidden.checked; renderCount(); });
    const renderCount = (): void => {
      testCount.textContent = ` · ${form.tests.length} (${form.tests.filter((x) => x.hidden).length} hidden)`;
    };
    const labelled = (label: string, el: HTMLElement, cls = 'field'): HTMLElement => h('label', { class: cls }, h('span', null, label), el);
    return h('fieldset', { class: 'test-case', 'data-index': index },
      h('legend', null, `Test ${n}`),
      h('div', { class: 'test-grid' },
        labelled('Name', input('name', h('input', { type: 'text', value: t.name, 'aria-label': `Test ${n} name`, maxlength: 80 }))),
        labelled('Weight', input('weight', h('input', { type: 'number', min: 1, max: 100, value: t.weight, 'aria-label': `Test ${n} weight` }))),
        labelled('Time limit (ms)', input('timeoutMs', h('input', { type: 'number', min: 1, placeholder: 'default', value: t.timeoutMs, 'aria-label': `Test ${n} time limit in milliseconds` }))),
        labelled('Memory (MB)', input('memoryMb', h('input', { type: 'number', min: 1, placeholder: 'default', value: t.memoryMb, 'aria-label': `Test ${n} memory limit in megabytes` }))),
        h('label', { class: 'check test-hidden' }, hidden, 'Hidden')),
      h('div', { class: 'test-io' },
        labelled('Input (stdin)', input('stdin', h('textarea', { rows: 3, class: 'mono-input', value: t.stdin, spellcheck: 'false', 'aria-label': `Test ${n} input`, maxlength: TEXTAREA_MAX }))),
        labelled('Expected output', input('expected', h('textarea', { rows: 3, class: 'mono-input', value: t.expected, spellcheck: 'false', 'aria-label': `Test ${n} expected output`, maxlength: TEXTAREA_MAX })))),
      h('div', { class: 'row test-foot' }, slot(`tests.${index}`),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Remove test ${n}`,
          onclick: () => { form.tests.splice(index, 1); renderTests(); } }, 'Remove')));
  };
  const testsCard = h('section', { class: 'card' }, h('h2', null, 'Tests', testCount),
    h('p', { class: 'muted small' }, 'Hidden tests run like the others; the candidate sees only how many passed, interviewers see them in full.'),
    h('div', { class: 'row comparison-row' },
      h('div', { class: 'field' }, h('label', { for: 'q-comparison' }, 'Compare output'), comparison, slot('comparison')),
      tolerances),
    slot('tests'), testsHost,
    h('button', {
      type: 'button', class: 'btn btn-small',
      onclick: () => {
        form.tests.push({ ...emptyTest(form.tests.length), name: nextTestName(form.tests) });
        renderTests();
        testsHost.querySelector<HTMLTextAreaElement>('.test-case:last-child textarea')?.focus();
      },
    }, 'Add test'));

  // ---- the guide ----
  const guide = h('textarea', { id: 'q-guide', rows: 6, value: form.guide, maxlength: TEXTAREA_MAX,
    placeholder: 'What a good answer looks like, follow-up questions, common mistakes.' });
  guide.addEventListener('input', () => { form.guide = guide.value; });
  const guideCard = h('section', { class: 'card' }, h('h2', null, 'Interviewer guide'),
    h('div', { class: 'field' }, h('label', { for: 'q-guide' }, 'Guide (Markdown; interviewers only, never sent to the candidate)'), guide, slot('guide')));

  // ---- saving ----
  const saveState = h('span', { class: 'muted small', role: 'status' });
  const saveButton = h('button', { type: 'submit', class: 'btn btn-primary' }, detail ? 'Save changes' : 'Create question');
  const formEl = h('form', { class: 'stack-lg question-form', novalidate: true },
    basics, promptCard, startersCard, testsCard, guideCard,
    h('div', { class: 'card save-bar' }, saveAlert.el, h('div', { class: 'row' }, saveButton, saveState)));
  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    errors.clear();
    const payload = payloadFromForm(form);
    saveButton.disabled = true;
    saveState.textContent = 'Saving…';
    const done = (): void => { saveButton.disabled = false; };
    if (!detail) {
      http.post<QuestionDetail>('/api/questions', payload)
        .then((made) => ctx.navigate(`/questions/${made.id}?created=1`, true))
        .catch(failed)
        .finally(done);
      return;
    }
    const changes = changedFields(detail, payload);
    if (Object.keys(changes).length === 0) {
      saveState.textContent = 'Nothing changed.';
      done();
      return;
    }
    http.patch<QuestionDetail>(`/api/questions/${detail.id}`, changes)
      .then((saved) => {
        const newRevision = saved.revision !== detail?.revision;
        detail = saved;
        meta.textContent = metaText(saved);
        document.title = `${saved.title} · Onsite`;
        saveState.textContent = newRevision ? `Saved as revision ${saved.revision}.` : 'Saved.';
        topAlert.hide();
        void revisions.load();
      })
      .catch(failed)
      .finally(done);
  });
  const failed = (error: unknown): void => {
    saveState.textContent = '';
    if (error instanceof ApiError) errors.show(fieldErrors(error.message, error.code));
    else errors.show([{ field: 'form', message: errorText(error) }]);
  };

  renderStarters();
  renderTests();

  // ---- header, revisions, delete ----
  const heading = h('h1', null, form.title.trim() || 'New question');
  const metaText = (q: QuestionDetail): string => `Revision ${q.revision} · updated ${formatDateTime(q.updated_at)}`;
  const meta = h('p', { class: 'muted' }, detail ? metaText(detail) : '');
  const revisions = revisionsCard(() => detail, languages, (rev) => {
    Object.assign(form, formFromQuestion(rev, form.visibility));
    title.value = form.title;
    heading.textContent = form.title || 'New question';
    difficulty.value = form.difficulty;
    tags.value = form.tags;
    prompt.value = form.prompt;
    guide.value = form.guide;
    comparison.value = form.comparison;
    absTol.value = form.absTolerance;
    relTol.value = form.relTolerance;
    showTolerances();
    refreshPreview();
    renderStarters();
    renderTests();
    saveState.textContent = `Revision ${rev.number} is in the form: save to make it the current one.`;
  });
  const remove = detail ? h('button', {
    type: 'button', class: 'btn btn-danger-ghost',
    onclick: async () => {
      const q = detail;
      if (!q) return;
      const ok = await confirmDialog({
        title: `Delete “${q.title}”?`,
        body: 'It leaves the bank. Interviews that used it keep the revision they showed.',
        confirm: 'Delete question',
      });
      if (!ok) return;
      http.delete(`/api/questions/${q.id}`)
        .then(() => ctx.navigate('/questions'))
        .catch((error: unknown) => topAlert.show(errorText(error)));
    },
  }, 'Delete') : null;

  const side = h('aside', { class: 'question-side' },
    detail ? revisions.el : h('section', { class: 'card' }, h('h2', null, 'Tips'),
      h('ul', { class: 'tips' },
        h('li', null, 'Give each language the candidate may choose its own starter code.'),
        h('li', null, 'Hide the tests that give the answer away (large inputs, edge cases).'),
        h('li', null, 'Or import a ZIP of question folders from the Questions page.'))));
  void revisions.load();
  return {
    title: detail ? detail.title : 'New question',
    chrome: 'app',
    el: h('div', { class: 'stack-lg' },
      h('div', { class: 'page-head' },
        h('div', null, crumbs(), heading,
          detail ? meta : null),
        detail ? h('div', { class: 'head-actions' }, scheduleLink(detail), exportLink(detail), remove) : null),
      topAlert.el,
      h('div', { class: 'question-grid' }, formEl, side)),
  };
}

// ---- revision history ------------------------------------------------------------------------

function revisionsCard(
  current: () => QuestionDetail | null,
  languages: Language[],
  restore: (revision: RevisionDetail) => void,
): { el: HTMLElement; load: () => Promise<void> } {
  const list = h('ol', { class: 'revision-list' });
  const shown = h('div', { class: 'revision-view', hidden: true });
  const state = h('p', { class: 'muted small', role: 'status' });
  const open = async (number: number): Promise<void> => {
    const q = current();
    if (!q) return;
    try {
      const rev = await http.get<RevisionDetail>(`/api/questions/${q.id}/revisions/${number}`);
      replaceChildren(shown,
        h('div', { class: 'row revision-head' }, h('h3', null, `Revision ${rev.number}: ${rev.title}`),
          number !== q.revision ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => restore(rev) }, 'Load into the form') : null,
          h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { shown.hidden = true; } }, 'Close')),
        h('p', { class: 'muted small' },
          `${rev.difficulty} · ${rev.tags.join(', ') || 'no tags'} · ${rev.tests.length} test${rev.tests.length === 1 ? '' : 's'}`
          + ` (${rev.tests.filter((t) => t.hidden).length} hidden) · starters: ${Object.keys(rev.starters).map((l) => languageName(languages, l)).join(', ') || 'none'}`),
        Object.assign(h('div', { class: 'question-prompt markdown' }), { innerHTML: preview(rev.prompt, 'No prompt.') }));
      shown.hidden = false;
    } catch (error) {
      state.textContent = errorText(error);
    }
  };
  const load = async (): Promise<void> => {
    const q = current();
    if (!q) return;
    try {
      const page = await http.get<{ items: RevisionSummary[] }>(`/api/questions/${q.id}/revisions`);
      replaceChildren(list, page.items.map((r) => h('li', { class: 'revision' },
        h('button', { type: 'button', class: 'link-button', onclick: () => void open(r.number) },
          `Revision ${r.number}`, r.number === q.revision ? h('span', { class: 'badge badge-ok' }, 'current') : null),
        h('div', { class: 'muted small' }, `${r.author_name ?? 'Onsite'} · ${formatDateTime(r.created_at)}`),
        r.title !== q.title ? h('div', { class: 'small' }, `“${r.title}”`) : null)));
    } catch (error) {
      state.textContent = errorText(error);
    }
  };
  const el = h('section', { class: 'card revisions' }, h('h2', null, 'History'),
    h('p', { class: 'muted small' }, 'Each save is a new revision; an interview keeps the revision it used.'),
    list, state, shown);
  return { el, load };
}
