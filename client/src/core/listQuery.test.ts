import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, pageCount, parseListQuery, toApiParams, toggleSort, toSearch } from './listQuery';

describe('list query', () => {
  it('parses a full query string', () => {
    expect(parseListQuery('?status=completed&q=alice&sort=title&order=asc&page=3&per_page=50')).toEqual({
      role: '',
      status: 'completed',
      recommendation: '',
      q: 'alice',
      sort: 'title',
      order: 'asc',
      page: 3,
      per_page: 50,
    });
  });
  it('filters and sorts by recommendation', () => {
    const q = parseListQuery('?recommendation=hire&sort=recommendation');
    expect(q.recommendation).toBe('hire');
    expect(new URLSearchParams(toApiParams(q)).get('recommendation')).toBe('hire');
    expect(parseListQuery('?recommendation=maybe').recommendation).toBe('');
    expect(toggleSort(DEFAULT_QUERY, 'recommendation').order).toBe('desc');
  });
  it('filters by whose interview it is', () => {
    const q = parseListQuery('?role=co_interviewer');
    expect(q.role).toBe('co_interviewer');
    expect(new URLSearchParams(toApiParams(q)).get('role')).toBe('co_interviewer');
    expect(new URLSearchParams(toApiParams(DEFAULT_QUERY)).has('role')).toBe(false);
    expect(parseListQuery('?role=admin').role).toBe('');
    expect(toSearch(q)).toBe('?role=co_interviewer');
  });
  it('falls back to defaults for nonsense instead of sending it to the API', () => {
    expect(parseListQuery('?status=bogus&sort=password&order=up&page=-1&per_page=5000')).toEqual(DEFAULT_QUERY);
  });
  it('round-trips through the address bar, omitting defaults', () => {
    const q = { ...DEFAULT_QUERY, q: 'bob smith', page: 2 };
    expect(toSearch(DEFAULT_QUERY)).toBe('');
    expect(parseListQuery(toSearch(q))).toEqual(q);
  });
  it('always sends sort and paging to the API, never empty filters', () => {
    const params = new URLSearchParams(toApiParams({ ...DEFAULT_QUERY, q: '  ' }));
    expect(params.has('q')).toBe(false);
    expect(params.has('status')).toBe(false);
    expect(params.get('sort')).toBe('created_at');
    expect(params.get('per_page')).toBe('20');
  });
  it('toggles sort order on the same column and resets the page', () => {
    const once = toggleSort({ ...DEFAULT_QUERY, page: 4 }, 'title');
    expect(once).toMatchObject({ sort: 'title', order: 'asc', page: 1 });
    expect(toggleSort(once, 'title').order).toBe('desc');
  });
  it('counts pages', () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(41, 20)).toBe(3);
  });
});
