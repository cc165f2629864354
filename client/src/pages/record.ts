/** One interview's record: final code, chat transcript, runs, private notes and the verdict. */
import { type PageContext, requireUser, type View } from '../app';
import { ApiError, http, type Interview, type Language } from '../core/api';
import { alertBox, field, h } from '../core/dom';
import { formatDateTime, recommendationLabel } from '../core/format';
import { statusBadge } from './dashboard';
import { languageLabel } from '../core/languageLabel';
import { boardReplayCard } from './boardReplayCard';
import { runsSection } from './recordRuns';
import { replayCard } from './replayCard';
import { panelCard } from './panelCard';
import { scorecardCard } from './scorecardCard';
import { terminalReplayCard } from './terminalReplay';

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

const RECOMMENDATIONS = ['', 'strong_hire', 'hire', 'no_hire', 'strong_no_hire'];

export async function recordPage(ctx: PageContext): Promise<View> {
  await requireUser(ctx);
  const id = ctx.params['id'] ?? '';
  let record: Interview;
  try {
    record = await http.get<Interview>(`/api/interviews/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return {
        title: 'Not found',
        chrome: 'app',
        el: h('div', { class: 'card narrow' }, h('h1', null, 'Interview not found'),
          h('p', null, 'It may have been deleted, or it belongs to someone else.'), h('a', { href: '/' }, 'Back to interviews')),
      };
    }
    throw error;
  }
  const alert = alertBox();
  const languages = await http.get<Language[]>('/api/languages').catch(() => [] as Language[]);

  const live = record.status === 'scheduled' || record.status === 'in_progress';
  // On someone else's panel: read the record, open the room, fill your scorecard; the owner
  // alone changes the record (the server refuses the rest with a 404 anyway).
  const panelist = record.role === 'co_interviewer';
  const header = h('div', { class: 'page-head' },
    h('div', null,
      h('p', { class: 'crumbs' }, h('a', { href: '/' }, 'Interviews'), ' / '),
      h('h1', null, record.title),
      h('p', { class: 'muted' }, `${record.candidate_name}${record.position ? ` · ${record.position}` : ''} · `, statusBadge(record.status),
        panelist ? h('span', { class: 'badge badge-role' }, 'Co-interviewer') : null)),
    h('div', { class: 'head-actions' },
      live ? h('a', { href: `/rooms/${record.id}`, class: 'btn btn-primary' }, 'Open room') : null,
      panelist ? null : deleteButton()));

  function deleteButton(): HTMLElement {
    return h('button', {
      type: 'button',
      class: 'btn btn-danger-ghost',
      onclick: () => {
        // No question first: the bin page offers to undo it at once.
        http.delete(`/api/interviews/${record.id}`)
          .then(() => ctx.navigate(`/bin?moved=${encodeURIComponent(record.id)}`))
          .catch((error: unknown) => alert.show(errorText(error)));
      },
    }, 'Move to bin');
  }

  const facts = h('section', { class: 'card' }, h('h2', null, 'Details'),
    h('dl', { class: 'facts' },
      h('dt', null, 'Candidate'), h('dd', null, record.candidate_name, record.candidate_email ? ` <${record.candidate_email}>` : ''),
      h('dt', null, 'Scheduled'), h('dd', null, formatDateTime(record.scheduled_at)),
      h('dt', null, 'Created'), h('dd', null, formatDateTime(record.created_at)),
      h('dt', null, 'Language'), h('dd', null, languageLabel(languages, record.language)),
      h('dt', null, 'Join link'), h('dd', null, h('code', { class: 'break' }, record.join_url))));

  const code = h('section', { class: 'card' }, h('h2', null, 'Final code'),
    record.final_code
      ? h('pre', { class: 'code-block', tabindex: 0, 'aria-label': 'Final code' }, record.final_code)
      : h('p', { class: 'muted' }, live ? 'The code is saved here when the interview ends.' : 'No code was written.'));

  const chat = h('section', { class: 'card' }, h('h2', null, 'Chat transcript'),
    record.chat.length === 0
      ? h('p', { class: 'muted' }, 'No messages.')
      : h('ol', { class: 'transcript' }, record.chat.map((m) =>
        h('li', { class: `msg msg-${m.author_role}` },
          h('div', { class: 'msg-meta' }, h('strong', null, m.author_name), ` · ${m.author_role} · `,
            h('time', { datetime: m.sent_at }, formatDateTime(m.sent_at))),
          h('div', { class: 'msg-text' }, m.text)))));

  const runs = runsSection(record.runs, languages);

  const notes = h('textarea', { rows: 6, value: record.notes ?? '' });
  const rec = h('select', null, RECOMMENDATIONS.map((r) =>
    h('option', { value: r, selected: (record.recommendation ?? '') === r }, r ? recommendationLabel(r) : 'No recommendation yet')));
  const saveState = h('span', { class: 'muted small', role: 'status' });
  const notesForm = h('form', { class: 'stack' }, field('Private notes (only you see these)', notes), field('Final recommendation', rec),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save'), saveState));
  notesForm.addEventListener('submit', (event) => {
    event.preventDefault();
    saveState.textContent = 'Saving…';
    http.patch<Interview>(`/api/interviews/${record.id}`, { notes: notes.value, recommendation: rec.value || null })
      .then(() => { saveState.textContent = 'Saved.'; })
      .catch((error: unknown) => { saveState.textContent = ''; alert.show(errorText(error)); });
  });

  const main = h('div', { class: 'record-main' }, code, replayCard(record.id, { runs: record.runs, chat: record.chat }), boardReplayCard(record.id, record.title), runs, terminalReplayCard(record.runs), chat);
  const notesCard = panelist
    ? h('section', { class: 'card' }, h('h2', null, 'Owner’s notes and verdict'),
      record.notes ? h('p', { class: 'pre-wrap' }, record.notes) : h('p', { class: 'muted' }, 'No notes.'),
      h('p', { class: 'muted small' }, `Verdict: ${recommendationLabel(record.recommendation)}. Only the interview’s owner changes these; your say is your scorecard.`))
    : h('section', { class: 'card' }, h('h2', null, 'Notes and verdict'), notesForm);
  const side = h('div', { class: 'record-side' }, facts, scorecardCard(record.id), panelCard(record.id, { manage: !panelist }), notesCard);
  const body = h('div', { class: 'record-grid' }, main, side);
  const el = h('div', { class: 'stack-lg' }, header, alert.el, body);
  return { title: record.title, chrome: 'app', el };
}
