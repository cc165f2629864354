/** The dashboard's list state, kept in the URL so a filtered view can be bookmarked and reloaded. */

export const SORT_FIELDS = ['created_at', 'scheduled_at', 'title', 'candidate_name', 'status', 'recommendation'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export const STATUSES = ['scheduled', 'in_progress', 'completed', 'cancelled'] as const;
export const RECOMMENDATIONS = ['strong_hire', 'hire', 'no_hire', 'strong_no_hire'] as const;
/** Whose interviews: yours, or those you sit on the panel of (``''``: both). */
export const ROLES = ['owner', 'co_interviewer'] as const;

export interface ListQuery {
  role: string;
  status: string;
  recommendation: string;
  q: string;
  sort: SortField;
  order: 'asc' | 'desc';
  page: number;
  per_page: number;
}

export const DEFAULT_QUERY: ListQuery = {
  role: '',
  status: '',
  recommendation: '',
  q: '',
  sort: 'created_at',
  order: 'desc',
  page: 1,
  per_page: 20,
};

function positiveInt(raw: string | null, fallback: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  const n = Number(raw);
  return n >= 1 && n <= max ? n : fallback;
}

/** Anything odd in the URL falls back to the default rather than producing a 400. */
export function parseListQuery(search: string): ListQuery {
  const p = new URLSearchParams(search);
  const sort = p.get('sort');
  const order = p.get('order');
  const status = p.get('status') ?? '';
  return {
    role: (ROLES as readonly string[]).includes(p.get('role') ?? '') ? (p.get('role') ?? '') : '',
    status: (STATUSES as readonly string[]).includes(status) ? status : '',
    recommendation: (RECOMMENDATIONS as readonly string[]).includes(p.get('recommendation') ?? '') ? (p.get('recommendation') ?? '') : '',
    q: (p.get('q') ?? '').slice(0, 200),
    sort: (SORT_FIELDS as readonly string[]).includes(sort ?? '') ? (sort as SortField) : DEFAULT_QUERY.sort,
    order: order === 'asc' || order === 'desc' ? order : DEFAULT_QUERY.order,
    page: positiveInt(p.get('page'), 1, 100_000),
    per_page: positiveInt(p.get('per_page'), DEFAULT_QUERY.per_page, 100),
  };
}

/** Only what differs from the defaults goes into the address bar. */
export function toSearch(query: ListQuery): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_QUERY) as (keyof ListQuery)[]) {
    if (query[key] !== DEFAULT_QUERY[key]) p.set(key, String(query[key]));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** The API always gets every parameter, empty filters left out. */
export function toApiParams(query: ListQuery): string {
  const p = new URLSearchParams();
  if (query.role) p.set('role', query.role);
  if (query.status) p.set('status', query.status);
  if (query.recommendation) p.set('recommendation', query.recommendation);
  if (query.q.trim()) p.set('q', query.q.trim());
  p.set('sort', query.sort);
  p.set('order', query.order);
  p.set('page', String(query.page));
  p.set('per_page', String(query.per_page));
  return p.toString();
}

export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** Clicking the active column flips the order; a new column starts in its natural order. */
export function toggleSort(query: ListQuery, field: SortField): ListQuery {
  if (query.sort === field) return { ...query, order: query.order === 'asc' ? 'desc' : 'asc', page: 1 };
  const natural = field === 'created_at' || field === 'scheduled_at' || field === 'recommendation' ? 'desc' : 'asc';
  return { ...query, sort: field, order: natural, page: 1 };
}
