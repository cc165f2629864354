import { describe, expect, it } from 'vitest';
import { bankApiParams, bankSearch, DEFAULT_BANK_QUERY, isFiltered, parseBankQuery } from './bankQuery';

describe('question bank query', () => {
  it('parses every filter from the address bar', () => {
    expect(parseBankQuery('?q=lru&difficulty=hard&tag=cache&language=python&scope=mine&page=2&per_page=50')).toEqual({
      q: 'lru', difficulty: 'hard', tag: 'cache', language: 'python', scope: 'mine', page: 2, per_page: 50,
    });
  });
  it('falls back to defaults for nonsense instead of sending it to the API', () => {
    expect(parseBankQuery('?difficulty=brutal&language=C%2B%2B&scope=everyone&page=0&per_page=500')).toEqual(DEFAULT_BANK_QUERY);
  });
  it('round-trips through the address bar, omitting defaults', () => {
    const q = { ...DEFAULT_BANK_QUERY, tag: 'graphs', page: 3 };
    expect(bankSearch(DEFAULT_BANK_QUERY)).toBe('');
    expect(bankSearch(q)).toBe('?tag=graphs&page=3');
    expect(parseBankQuery(bankSearch(q))).toEqual(q);
  });
  it('sends the API only the filters that are set', () => {
    const params = new URLSearchParams(bankApiParams({ ...DEFAULT_BANK_QUERY, q: '  two sum ', language: 'go' }));
    expect(params.get('q')).toBe('two sum');
    expect(params.get('language')).toBe('go');
    expect(params.has('difficulty')).toBe(false);
    expect(params.has('tag')).toBe(false);
    expect(params.get('scope')).toBe('all');
    expect(params.get('per_page')).toBe('20');
  });
  it('knows whether a filter is on (for the empty-list message)', () => {
    expect(isFiltered(DEFAULT_BANK_QUERY)).toBe(false);
    expect(isFiltered({ ...DEFAULT_BANK_QUERY, scope: 'shared' })).toBe(true);
    expect(isFiltered({ ...DEFAULT_BANK_QUERY, q: '   ' })).toBe(false);
  });
});
