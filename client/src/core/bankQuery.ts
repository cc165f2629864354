/** The question bank list's state, kept in the URL (like the dashboard's) so a search reloads. */
import { DIFFICULTIES } from './questionForm';

export const SCOPES = ['all', 'mine', 'shared'] as const;
export type Scope = (typeof SCOPES)[number];

export interface BankQuery {
  q: string;
  difficulty: string;
  tag: string;
  language: string;
  scope: Scope;
  page: number;
  per_page: number;
}

export const DEFAULT_BANK_QUERY: BankQuery = {
  q: '', difficulty: '', tag: '', language: '', scope: 'all', page: 1, per_page: 20,
};

const LANGUAGE_ID = /^[a-z][a-z0-9_]{0,31}$/;

function positiveInt(raw: string | null, fallback: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  const n = Number(raw);
  return n >= 1 && n <= max ? n : fallback;
}

/** Anything odd in the address bar falls back to the default instead of a 400 from the API. */
export function parseBankQuery(search: string): BankQuery {
  const p = new URLSearchParams(search);
  const difficulty = p.get('difficulty') ?? '';
  const language = p.get('language') ?? '';
  const scope = p.get('scope') ?? '';
  return {
    q: (p.get('q') ?? '').slice(0, 200),
    difficulty: (DIFFICULTIES as readonly string[]).includes(difficulty) ? difficulty : '',
    tag: (p.get('tag') ?? '').trim().slice(0, 40),
    language: LANGUAGE_ID.test(language) ? language : '',
    scope: (SCOPES as readonly string[]).includes(scope) ? (scope as Scope) : 'all',
    page: positiveInt(p.get('page'), 1, 100_000),
    per_page: positiveInt(p.get('per_page'), DEFAULT_BANK_QUERY.per_page, 100),
  };
}

/** Only what differs from the defaults goes into the address bar. */
export function bankSearch(query: BankQuery): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_BANK_QUERY) as (keyof BankQuery)[]) {
    if (query[key] !== DEFAULT_BANK_QUERY[key]) p.set(key, String(query[key]));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** ``GET /api/questions``'s query: empty filters left out. */
export function bankApiParams(query: BankQuery): string {
  const p = new URLSearchParams();
  if (query.q.trim()) p.set('q', query.q.trim());
  if (query.difficulty) p.set('difficulty', query.difficulty);
  if (query.tag.trim()) p.set('tag', query.tag.trim());
  if (query.language) p.set('language', query.language);
  p.set('scope', query.scope);
  p.set('page', String(query.page));
  p.set('per_page', String(query.per_page));
  return p.toString();
}

export function isFiltered(query: BankQuery): boolean {
  return Boolean(query.q.trim() || query.difficulty || query.tag.trim() || query.language || query.scope !== 'all');
}
