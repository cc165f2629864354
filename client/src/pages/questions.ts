/**
 * The question bank: search and filter (difficulty, tag, language, whose), page through it,
 * import a ZIP of question folders and export them. Each question opens in the editor
 * (pages/questionEditor.ts).
 */
import { type PageContext, requireUser, type View } from '../app';
import { ApiError, http, type Language, type Page } from '../core/api';
import { bankApiParams, type BankQuery, bankSearch, isFiltered, parseBankQuery, SCOPES } from '../core/bankQuery';
import { alertBox, h, replaceChildren } from '../core/dom';
import { formatDateTime } from '../core/format';
import { languageName, languagesSummary } from '../core/languageLabel';
import { pageCount } from '../core/listQuery';
import { DIFFICULTIES, type QuestionSummary } from '../core/questionForm';

export function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

const DIFFICULTY_BADGE: Record<string, string> = { easy: 'badge-ok', medium: 'badge-warn', hard: 'badge-error' };
const SCOPE_LABELS: Record<string, string> = { all: 'Everything I can use', mine: 'Mine', shared: 'Shared and built-in' };

export function difficultyBadge(difficulty: string): HTMLElement {
  const label = difficulty.charAt(0).toUpperCase() + difficulty.slice(1);
  return h('span', { class: `badge ${DIFFICULTY_BADGE[difficulty] ?? 'badge-muted'}` }, label);
}

/** Whose question it is, in words: what decides whether you may change it. */
export function sourceBadge(q: Pick<QuestionSummary, 'built_in' | 'owned' | 'visibility'>): HTMLElement {
  if (q.built_in) return h('span', { class: 'badge badge-muted' }, 'Built-in');
  if (q.owned) return h('span', { class: 'badge badge-info' }, q.visibility === 'shared' ? 'Mine · shared' : 'Mine · private');
  return h('span', { class: 'badge badge-muted' }, 'Shared with me');
}

export async function questionsPage(ctx: PageContext): Promise<View> {
  await requireUser(ctx);
  let query = parseBankQuery(location.search);
  const languages = await http.get<Language[]>('/api/languages').catch(() => [] as Language[]);
  const alert = alertBox();
  const tableHost = h('div', { class: 'table-host' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const summary = h('p', { class: 'muted', role: 'status' });

  const search = h('input', { type: 'search', id: 'bank-q', value: query.q, placeholder: 'Title, tag or words of the prompt…' });
  const difficulty = h('select', { id: 'bank-difficulty' },
    h('option', { value: '' }, 'Any difficulty'),
    DIFFICULTIES.map((d) => h('option', { value: d, selected: d === query.difficulty }, d.charAt(0).toUpperCase() + d.slice(1))));
  const tag = h('input', { type: 'text', id: 'bank-tag', value: query.tag, maxlength: 40, placeholder: 'e.g. graphs', list: 'bank-tags' });
  const tagList = h('datalist', { id: 'bank-tags' });
  const language = h('select', { id: 'bank-language' },
    h('option', { value: '' }, 'Any language'),
    languages.map((l) => h('option', { value: l.id, selected: l.id === query.language }, l.name)));
  const scope = h('select', { id: 'bank-scope' },
    SCOPES.map((s) => h('option', { value: s, selected: s === query.scope }, SCOPE_LABELS[s] ?? s)));

  const apply = (next: BankQuery): void => {
    query = next;
    history.replaceState(null, '', `/questions${bankSearch(query)}`);
    void load();
  };
  let debounce: number | undefined;
  const typed = (read: () => Partial<BankQuery>): void => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => apply({ ...query, ...read(), page: 1 }), 250);
  };
  search.addEventListener('input', () => typed(() => ({ q: search.value })));
  tag.addEventListener('input', () => typed(() => ({ tag: tag.value })));
  difficulty.addEventListener('change', () => apply({ ...query, difficulty: difficulty.value, page: 1 }));
  language.addEventListener('change', () => apply({ ...query, language: language.value, page: 1 }));
  scope.addEventListener('change', () => apply({ ...query, scope: scope.value as BankQuery['scope'], page: 1 }));

  const knownTags = new Set<string>();
  const load = async (): Promise<void> => {
    try {
      const page = await http.get<Page<QuestionSummary>>(`/api/questions?${bankApiParams(query)}`);
      render(page);
    } catch (error) {
      alert.show(errorText(error));
    }
  };

  const render = (page: Page<QuestionSummary>): void => {
    for (const item of page.items) for (const t of item.tags) knownTags.add(t);
    replaceChildren(tagList, [...knownTags].sort().map((t) => h('option', { value: t })));
    const pages = pageCount(page.total, page.per_page);
    summary.textContent = `${page.total} question${page.total === 1 ? '' : 's'}`;
    if (page.items.length === 0) {
      replaceChildren(tableHost, h('div', { class: 'empty' }, isFiltered(query)
        ? h('p', null, 'No questions match these filters.')
        : [h('p', { class: 'empty-title' }, 'No questions yet'),
          h('p', { class: 'muted' }, 'Write one, or import a ZIP of question folders.')]));
    } else {
      replaceChildren(tableHost, h('table', { class: 'table table-questions' },
        h('thead', null, h('tr', null, ['Question', 'Difficulty', 'Languages', 'Tests', 'Whose', 'Updated', 'Actions']
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, page.items.map((q) => h('tr', { 'data-id': q.id },
          h('td', null,
            h('a', { href: `/questions/${q.id}`, class: 'strong' }, q.title),
            q.tags.length ? h('div', { class: 'tag-row' }, q.tags.map((t) => h('button', {
              type: 'button', class: 'tag-chip', title: `Only questions tagged ${t}`,
              onclick: () => { tag.value = t; apply({ ...query, tag: t, page: 1 }); },
            }, t))) : null),
          h('td', null, difficultyBadge(q.difficulty)),
          h('td', { class: 'small', title: q.languages.map((id) => languageName(languages, id)).join(', ') || null },
            languagesSummary(q.languages, languages)),
          h('td', { class: 'small' }, q.test_count ? `${q.test_count}${q.hidden_test_count ? ` (${q.hidden_test_count} hidden)` : ''}` : '—'),
          h('td', null, sourceBadge(q)),
          h('td', { class: 'small' }, formatDateTime(q.updated_at)),
          h('td', { class: 'actions' },
            h('a', { href: `/questions/${q.id}`, class: 'btn btn-small' }, q.owned ? 'Edit' : 'View'),
            h('a', { href: `/api/questions/${q.id}/export`, class: 'btn btn-small btn-ghost', download: '', 'aria-label': `Export ${q.title} as a ZIP` }, 'Export'))))),
      ));
    }
    pager.hidden = page.total === 0;
    replaceChildren(pager,
      h('button', { type: 'button', class: 'btn btn-small', disabled: query.page <= 1, onclick: () => apply({ ...query, page: query.page - 1 }) }, '← Previous'),
      h('span', { class: 'muted' }, `Page ${Math.min(query.page, pages)} of ${pages}`),
      h('button', { type: 'button', class: 'btn btn-small', disabled: query.page >= pages, onclick: () => apply({ ...query, page: query.page + 1 }) }, 'Next →'));
  };

  // Import: the ZIP goes to the server as it is; it imports all of it or nothing.
  const file = h('input', { type: 'file', id: 'bank-import', accept: '.zip,application/zip', class: 'sr-only' });
  file.addEventListener('change', () => {
    const picked = file.files?.[0];
    file.value = '';
    if (!picked) return;
    alert.show(`Importing ${picked.name}…`, 'ok');
    http.upload<{ imported: QuestionSummary[] }>('/api/questions/import', picked, 'application/zip')
      .then((result) => {
        const titles = result.imported.map((q) => `“${q.title}”`).join(', ');
        alert.show(`Imported ${result.imported.length} question${result.imported.length === 1 ? '' : 's'} from ${picked.name}: ${titles}.`, 'ok');
        apply({ ...query, scope: 'mine', page: 1 });
        scope.value = 'mine';
      })
      .catch((error: unknown) => alert.show(`Nothing was imported from ${picked.name}. ${errorText(error)}`));
  });

  void load();
  return {
    title: 'Questions',
    chrome: 'app',
    el: h('div', { class: 'stack-lg' },
      h('div', { class: 'page-head' },
        h('div', null, h('h1', null, 'Questions'), summary),
        h('div', { class: 'head-actions' },
          file, h('label', { for: 'bank-import', class: 'btn file-button' }, 'Import ZIP'),
          h('a', { href: '/api/questions/export', class: 'btn', download: 'questions.zip' }, 'Export all'),
          h('a', { href: '/questions/new', class: 'btn btn-primary' }, 'New question'))),
      h('div', { class: 'toolbar card' },
        h('div', { class: 'field grow' }, h('label', { for: 'bank-q' }, 'Search'), search),
        h('div', { class: 'field' }, h('label', { for: 'bank-difficulty' }, 'Difficulty'), difficulty),
        h('div', { class: 'field' }, h('label', { for: 'bank-tag' }, 'Tag'), tag, tagList),
        h('div', { class: 'field' }, h('label', { for: 'bank-language' }, 'Language'), language),
        h('div', { class: 'field' }, h('label', { for: 'bank-scope' }, 'Whose'), scope)),
      alert.el,
      h('div', { class: 'card card-flush' }, tableHost),
      pager),
    dispose: () => window.clearTimeout(debounce),
  };
}
