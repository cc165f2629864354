/** Interview records: filter, search, sort and page through them; create one; the bin. */
import { type PageContext, requireUser, type View } from '../app';
import { ApiError, defaultLanguage, http, type InterviewSummary, type Language, type Page } from '../core/api';
import { alertBox, field, h, replaceChildren } from '../core/dom';
import { formatDateTime, localInputToIso, recommendationLabel, statusLabel } from '../core/format';
import {
  type ListQuery,
  pageCount,
  parseListQuery,
  RECOMMENDATIONS,
  ROLES,
  type SortField,
  STATUSES,
  toApiParams,
  toggleSort,
  toSearch,
} from '../core/listQuery';

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `status status-${status}` }, statusLabel(status));
}

const COLUMNS: { field: SortField | null; label: string }[] = [
  { field: 'title', label: 'Interview' },
  { field: 'candidate_name', label: 'Candidate' },
  { field: 'status', label: 'Status' },
  { field: 'recommendation', label: 'Verdict' },
  { field: null, label: 'Score' },
  { field: 'scheduled_at', label: 'Scheduled' },
  { field: 'created_at', label: 'Created' },
  { field: null, label: 'Actions' },
];

export async function dashboardPage(ctx: PageContext): Promise<View> {
  await requireUser(ctx);
  let query = parseListQuery(location.search);
  const alert = alertBox();
  const tableHost = h('div', { class: 'table-host' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const summary = h('p', { class: 'muted', role: 'status' });

  const search = h('input', { type: 'search', name: 'q', value: query.q, placeholder: 'Title, candidate, position, tag…' });
  const status = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s, selected: s === query.status }, statusLabel(s))),
  );

  const verdict = h(
    'select',
    { name: 'recommendation' },
    h('option', { value: '' }, 'Any verdict'),
    RECOMMENDATIONS.map((r) => h('option', { value: r, selected: r === query.recommendation }, recommendationLabel(r))),
  );
  verdict.addEventListener('change', () => apply({ ...query, recommendation: verdict.value, page: 1 }));
  const ROLE_LABELS: Record<string, string> = { owner: 'Mine', co_interviewer: 'Co-interviewer' };
  const role = h(
    'select',
    { name: 'role' },
    h('option', { value: '' }, 'Mine and panels'),
    ROLES.map((r) => h('option', { value: r, selected: r === query.role }, ROLE_LABELS[r] ?? r)),
  );
  role.addEventListener('change', () => apply({ ...query, role: role.value, page: 1 }));

  const apply = (next: ListQuery): void => {
    query = next;
    history.replaceState(null, '', `/${toSearch(query)}`);
    void load();
  };

  let debounce: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => apply({ ...query, q: search.value, page: 1 }), 250);
  });
  status.addEventListener('change', () => apply({ ...query, status: status.value, page: 1 }));

  const load = async (): Promise<void> => {
    try {
      const page = await http.get<Page<InterviewSummary>>(`/api/interviews?${toApiParams(query)}`);
      alert.hide();
      renderTable(page);
      void loadScores(page.items.map((i) => i.id));
    } catch (error) {
      alert.show(errorText(error));
    }
  };

  const scoreCells = new Map<string, HTMLElement>();
  const loadScores = async (ids: string[]): Promise<void> => {
    if (ids.length === 0) return;
    const scores = await http.get<{ items: { interview_id: string; submitted: number; average: number | null }[] }>(
      `/api/scorecard-scores?interview_ids=${ids.map(encodeURIComponent).join(',')}`).catch(() => ({ items: [] }));
    for (const s of scores.items) {
      const cell = scoreCells.get(s.interview_id);
      if (!cell) continue;
      cell.textContent = s.average !== null ? `${s.average.toFixed(2)} / 4` : s.submitted ? `${s.submitted} scorecard${s.submitted === 1 ? '' : 's'}` : '—';
      cell.title = `${s.submitted} submitted scorecard${s.submitted === 1 ? '' : 's'}${s.average === null && s.submitted ? '; submit yours to see the scores' : ''}`;
    }
  };

  const renderTable = (page: Page<InterviewSummary>): void => {
    scoreCells.clear();
    const pages = pageCount(page.total, page.per_page);
    summary.textContent = `${page.total} interview${page.total === 1 ? '' : 's'}`;
    if (page.items.length === 0 && (query.q || query.status || query.recommendation || query.role)) {
      replaceChildren(tableHost, h('div', { class: 'empty' }, h('p', null, 'No interviews match these filters.')));
    } else if (page.items.length === 0) {
      // The very first visit: say what to do, with the two ways to start right there.
      replaceChildren(
        tableHost,
        h('div', { class: 'empty empty-first' },
          h('p', { class: 'empty-title' }, 'No interviews yet'),
          h('p', { class: 'muted' }, 'Create an interview to get a room and a join link for the candidate, or schedule one and Onsite e-mails the invitation.'),
          h('div', { class: 'empty-actions' },
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => openNewForm() }, 'Create your first interview'),
            h('a', { href: '/schedule', class: 'btn' }, 'Schedule with an invitation'))),
      );
    } else {
      const head = h('tr', null, COLUMNS.map((col) => {
        if (!col.field) return h('th', { scope: 'col' }, col.label);
        const f = col.field;
        const active = query.sort === f;
        return h('th', { scope: 'col', 'aria-sort': active ? (query.order === 'asc' ? 'ascending' : 'descending') : 'none' },
          h('button', { type: 'button', class: 'sort', onclick: () => apply(toggleSort(query, f)) },
            col.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (query.order === 'asc' ? ' ▲' : ' ▼') : '')));
      }));
      const rows = page.items.map((item) =>
        h('tr', { class: item.role === 'co_interviewer' ? 'row-panel' : null },
          h('td', null, h('a', { href: `/interviews/${item.id}`, class: 'strong' }, item.title),
            // Someone else's interview whose panel you are on: you open its room and score it;
            // only its owner changes it.
            item.role === 'co_interviewer'
              ? h('span', { class: 'badge badge-role', title: 'You are on this interview’s panel; its owner manages it' }, 'Co-interviewer')
              : null,
            item.position ? h('div', { class: 'muted small' }, item.position) : null),
          h('td', null, item.candidate_name),
          h('td', null, statusBadge(item.status)),
          h('td', null, item.recommendation ? h('span', { class: `rec rec-${item.recommendation}` }, recommendationLabel(item.recommendation)) : '—'),
          (() => { const cell = h('td', { class: 'score' }, '…'); scoreCells.set(item.id, cell); return cell; })(),
          h('td', null, formatDateTime(item.scheduled_at)),
          h('td', null, formatDateTime(item.created_at)),
          h('td', { class: 'actions' },
            item.status === 'scheduled' || item.status === 'in_progress'
              ? h('a', { href: `/rooms/${item.id}`, class: 'btn btn-small btn-primary' }, 'Open room')
              : h('a', { href: `/interviews/${item.id}`, class: 'btn btn-small' }, 'View')),
        ));
      replaceChildren(tableHost, h('table', { class: 'table table-interviews' }, h('thead', null, head), h('tbody', null, rows)));
    }
    pager.hidden = page.total === 0;
    replaceChildren(
      pager,
      h('button', { type: 'button', class: 'btn btn-small', disabled: query.page <= 1, onclick: () => apply({ ...query, page: query.page - 1 }) }, '← Previous'),
      h('span', { class: 'muted' }, `Page ${Math.min(query.page, pages)} of ${pages}`),
      h('button', { type: 'button', class: 'btn btn-small', disabled: query.page >= pages, onclick: () => apply({ ...query, page: query.page + 1 }) }, 'Next →'),
    );
  };

  const newForm = newInterviewForm(ctx);
  const openNewForm = (): void => {
    newForm.el.open = true;
    newForm.el.scrollIntoView({ block: 'start', behavior: 'smooth' });
    newForm.focus();
  };
  void load();
  return {
    title: 'Interviews',
    chrome: 'app',
    el: h(
      'div',
      { class: 'stack-lg' },
      h('div', { class: 'page-head' },
        h('div', null, h('h1', null, 'Interviews'), summary),
        h('a', { href: '/schedule', class: 'btn btn-primary' }, 'Schedule an interview')),
      h('div', { class: 'toolbar card' },
        h('div', { class: 'field grow' }, h('label', { for: 'list-q' }, 'Search'), Object.assign(search, { id: 'list-q' })),
        h('div', { class: 'field' }, h('label', { for: 'list-status' }, 'Status'), Object.assign(status, { id: 'list-status' })),
        h('div', { class: 'field' }, h('label', { for: 'list-verdict' }, 'Verdict'), Object.assign(verdict, { id: 'list-verdict' })),
        h('div', { class: 'field' }, h('label', { for: 'list-role' }, 'Whose'), Object.assign(role, { id: 'list-role' }))),
      alert.el,
      h('div', { class: 'card card-flush' }, tableHost),
      pager,
      newForm.el,
    ),
    dispose: () => window.clearTimeout(debounce),
  };
}

function newInterviewForm(ctx: PageContext): { el: HTMLDetailsElement; focus: () => void } {
  const alert = alertBox();
  const title = h('input', { type: 'text', required: true, maxlength: 200, placeholder: 'Backend engineer — pairing' });
  const candidate = h('input', { type: 'text', required: true, maxlength: 200 });
  const email = h('input', { type: 'email' });
  const position = h('input', { type: 'text', maxlength: 200 });
  const when = h('input', { type: 'datetime-local' });
  // The room starts in this language (with its starter code); anyone in the room can change it.
  const language = h('select', null, h('option', { value: '' }, 'Default'));
  void http.get<Language[]>('/api/languages').then((languages) => {
    if (languages.length === 0) return;
    replaceChildren(language, languages.map((l) => h('option', { value: l.id, selected: l === defaultLanguage(languages) }, `${l.name} (${l.version})`)));
  }).catch(() => undefined);
  const form = h('form', { class: 'grid-form' },
    field('Title', title), field('Candidate name', candidate), field('Candidate email (optional)', email),
    field('Position (optional)', position), field('When (optional)', when), field('Language', language),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create interview')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = { title: title.value.trim(), candidate_name: candidate.value.trim() };
    if (email.value.trim()) body['candidate_email'] = email.value.trim();
    if (position.value.trim()) body['position'] = position.value.trim();
    if (when.value) body['scheduled_at'] = localInputToIso(when.value);
    if (language.value) body['language'] = language.value;
    http.post<InterviewSummary>('/api/interviews', body)
      .then((created) => ctx.navigate(`/interviews/${created.id}`))
      .catch((error: unknown) => alert.show(errorText(error)));
  });
  const el = h('details', { class: 'card new-interview' }, h('summary', null, 'New interview without an invitation'), alert.el, form);
  return { el, focus: () => title.focus() };
}

export async function binPage(ctx: PageContext): Promise<View> {
  await requireUser(ctx);
  const alert = alertBox();
  const host = h('div', { class: 'table-host' });
  // Arriving from "Move to bin": say so, with an undo that puts it back and returns to it.
  let moved = ctx.query.get('moved');
  if (moved) history.replaceState(null, '', '/bin');
  const offerUndo = (item: InterviewSummary): void => {
    alert.show(`Moved “${item.title}” to the bin.`, 'ok');
    alert.el.append(' ', h('button', {
      type: 'button',
      class: 'btn btn-small undo',
      onclick: async () => {
        try {
          await http.post(`/api/interviews/${item.id}/restore`);
          ctx.navigate(`/interviews/${item.id}`);
        } catch (error) {
          alert.show(errorText(error));
        }
      },
    }, 'Undo'));
  };
  const load = async (): Promise<void> => {
    try {
      const data = await http.get<Page<InterviewSummary> | InterviewSummary[]>('/api/interviews/bin');
      const items = Array.isArray(data) ? data : data.items;
      const justMoved = moved ? items.find((i) => i.id === moved) : undefined;
      moved = null;
      if (justMoved) offerUndo(justMoved);
      if (items.length === 0) {
        replaceChildren(host, h('div', { class: 'empty' }, h('p', null, 'The bin is empty.')));
        return;
      }
      replaceChildren(host, h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['Interview', 'Candidate', 'Deleted', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, items.map((item) => h('tr', null,
          h('td', null, item.title),
          h('td', null, item.candidate_name),
          h('td', null, formatDateTime(item.deleted_at ?? null)),
          h('td', { class: 'actions' },
            h('button', { type: 'button', class: 'btn btn-small', onclick: () => act(`/api/interviews/${item.id}/restore`, 'POST', `Restored “${item.title}”.`) }, 'Restore'),
            purgeButton(item)))))));
    } catch (error) {
      alert.show(errorText(error));
    }
  };
  const act = async (path: string, method: 'POST' | 'DELETE', done: string): Promise<void> => {
    try {
      await http.request(method, path);
      alert.show(done, 'ok');
      await load();
    } catch (error) {
      alert.show(errorText(error));
    }
  };
  /** Two clicks: "Delete for good" asks once more in place (no modal dialog). */
  const purgeButton = (item: InterviewSummary): HTMLElement => {
    const wrap = h('span', { class: 'confirm-wrap' });
    const first = h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost' }, 'Delete for good');
    first.addEventListener('click', () => {
      replaceChildren(wrap,
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => act(`/api/interviews/${item.id}/purge`, 'DELETE', `Deleted “${item.title}” for good.`) }, 'Confirm delete'),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => replaceChildren(wrap, first) }, 'Cancel'));
      wrap.querySelector('button')?.focus();
    });
    wrap.appendChild(first);
    return wrap;
  };
  void load();
  return {
    title: 'Bin',
    chrome: 'app',
    el: h('div', { class: 'stack-lg' },
      h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Bin'), h('p', { class: 'muted' }, 'Deleted interviews wait here until you restore them or delete them for good.'))),
      alert.el, h('div', { class: 'card card-flush' }, host)),
  };
}
