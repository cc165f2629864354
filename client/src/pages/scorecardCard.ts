/**
 * The record's scorecard section: your scorecard (each criterion 1–4 with notes, a
 * recommendation and a summary), autosaved as a draft, locked once submitted; then everyone's
 * submitted scorecards, which the server shows only after yours is in (no anchoring).
 */
import { ApiError, http } from '../core/api';
import { h, replaceChildren } from '../core/dom';
import { recommendationLabel } from '../core/format';

interface Criterion { key: string; name: string; description: string }
interface Rating { rating: number | null; notes: string }
export interface Scorecard {
  id: string;
  interviewer_name: string;
  template_name: string;
  criteria: Criterion[];
  ratings: Record<string, Rating>;
  recommendation: string | null;
  summary: string;
  status: 'draft' | 'submitted';
  submitted_at: string | null;
  average: number | null;
}

const RECOMMENDATIONS = ['strong_no_hire', 'no_hire', 'hire', 'strong_hire'];
const RATING_LABELS = ['', '1 · strong no', '2 · no', '3 · yes', '4 · strong yes'];
const AUTOSAVE_MS = 700;

function message(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

export function scorecardCard(interviewId: string): HTMLElement {
  const base = `/api/interviews/${encodeURIComponent(interviewId)}/scorecards`;
  const body = h('div', { class: 'scorecard-body' }, h('p', { class: 'muted' }, 'Loading your scorecard…'));
  const others = h('div', { class: 'scorecards-submitted' });
  const card = h('section', { class: 'card scorecard-card', 'aria-label': 'Scorecards' }, h('h2', null, 'Scorecard'), body, others);

  const showSubmitted = async (): Promise<void> => {
    try {
      const list = await http.get<{ items: Scorecard[] }>(base);
      replaceChildren(others, h('h3', null, `Submitted scorecards (${list.items.length})`),
        list.items.map((s) => submittedView(s)));
    } catch (error) {
      replaceChildren(others, h('p', { class: 'muted small' }, message(error)));
    }
  };

  const render = (sc: Scorecard): void => {
    if (sc.status === 'submitted') {
      replaceChildren(body, h('p', { class: 'muted small' }, 'Submitted: your scorecard is locked.'), submittedView(sc));
      void showSubmitted();
      return;
    }
    const state = h('span', { class: 'muted small autosave-state', role: 'status' }, 'Draft, saved as you go.');
    const pending: { ratings: Record<string, Rating>; recommendation?: string | null; summary?: string } = { ratings: {} };
    let timer = 0;
    const flush = async (): Promise<void> => {
      window.clearTimeout(timer);
      timer = 0;
      const payload: Record<string, unknown> = {};
      if (Object.keys(pending.ratings).length) payload['ratings'] = pending.ratings;
      if (pending.recommendation !== undefined) payload['recommendation'] = pending.recommendation;
      if (pending.summary !== undefined) payload['summary'] = pending.summary;
      if (Object.keys(payload).length === 0) return;
      pending.ratings = {};
      delete pending.recommendation;
      delete pending.summary;
      state.textContent = 'Saving…';
      try {
        await http.request<Scorecard>('PUT', `${base}/mine`, payload);
        state.textContent = 'Draft saved.';
      } catch (error) {
        state.textContent = message(error);
      }
    };
    const later = (): void => {
      window.clearTimeout(timer);
      state.textContent = 'Editing…';
      timer = window.setTimeout(() => void flush(), AUTOSAVE_MS);
    };
    const current: Record<string, Rating> = {};
    const rows = sc.criteria.map((c) => {
      const rating: Rating = { rating: sc.ratings[c.key]?.rating ?? null, notes: sc.ratings[c.key]?.notes ?? '' };
      current[c.key] = rating;
      const radios = [1, 2, 3, 4].map((n) => {
        const input = h('input', { type: 'radio', name: `rate-${c.key}`, value: String(n), checked: rating.rating === n, 'aria-label': `${c.name}: ${RATING_LABELS[n]}` });
        input.addEventListener('change', () => {
          rating.rating = n;
          pending.ratings[c.key] = { ...rating };
          later();
        });
        return h('label', { class: 'rate-option', title: RATING_LABELS[n] }, input, String(n));
      });
      const notes = h('textarea', { rows: 2, class: 'criterion-notes', 'aria-label': `${c.name} notes`, placeholder: 'Notes (optional)' });
      notes.value = rating.notes;
      notes.addEventListener('input', () => {
        rating.notes = notes.value;
        pending.ratings[c.key] = { ...rating };
        later();
      });
      return h('fieldset', { class: 'criterion', 'data-key': c.key },
        h('legend', null, c.name), c.description ? h('p', { class: 'muted small' }, c.description) : null,
        h('div', { class: 'rate-row', role: 'radiogroup', 'aria-label': c.name }, radios), notes);
    });
    const rec = h('select', { 'aria-label': 'Recommendation', class: 'scorecard-recommendation' },
      h('option', { value: '' }, 'Choose…'),
      RECOMMENDATIONS.map((r) => h('option', { value: r, selected: sc.recommendation === r }, recommendationLabel(r))));
    rec.addEventListener('change', () => { pending.recommendation = rec.value || null; later(); });
    const summary = h('textarea', { rows: 3, 'aria-label': 'Summary', placeholder: 'Summary for the hiring team' });
    summary.value = sc.summary;
    summary.addEventListener('input', () => { pending.summary = summary.value; later(); });
    const error = h('p', { class: 'alert alert-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'button', class: 'btn btn-primary' }, 'Submit scorecard');
    submit.addEventListener('click', () => {
      submit.disabled = true;
      void flush().then(() => http.post<Scorecard>(`${base}/mine/submit`))
        .then((done) => render(done))
        .catch((e: unknown) => {
          error.hidden = false;
          error.textContent = message(e);
          submit.disabled = false;
        });
    });
    replaceChildren(body,
      h('p', { class: 'muted small' }, `${sc.template_name}. The other interviewers’ scorecards stay hidden until you submit yours.`),
      rows,
      h('label', { class: 'field' }, h('span', null, 'Recommendation'), rec),
      h('label', { class: 'field' }, h('span', null, 'Summary'), summary),
      error,
      h('div', { class: 'row' }, submit, state));
    replaceChildren(others);
  };

  void http.get<Scorecard>(`${base}/mine`).then(render).catch((error: unknown) => {
    replaceChildren(body, h('p', { class: 'alert alert-error', role: 'alert' }, message(error)));
  });
  return card;
}

function submittedView(sc: Scorecard): HTMLElement {
  return h('article', { class: 'scorecard-submitted' },
    h('header', null, h('strong', null, sc.interviewer_name), ' · ',
      sc.recommendation ? h('span', { class: `badge rec-${sc.recommendation}` }, recommendationLabel(sc.recommendation)) : null,
      sc.average !== null ? h('span', { class: 'muted small' }, ` · average ${sc.average.toFixed(2)}`) : null),
    h('dl', { class: 'facts' }, sc.criteria.flatMap((c) => [
      h('dt', null, c.name),
      h('dd', null, String(sc.ratings[c.key]?.rating ?? '—'), sc.ratings[c.key]?.notes ? ` — ${sc.ratings[c.key]?.notes}` : ''),
    ])),
    sc.summary ? h('p', { class: 'scorecard-summary' }, sc.summary) : null);
}
