import { describe, expect, it } from 'vitest';
import { matchRoute, resolve, safeNext } from './router';

describe('matchRoute', () => {
  it('extracts named parameters', () => {
    expect(matchRoute('/interviews/:id', '/interviews/abc123')).toEqual({ id: 'abc123' });
  });
  it('matches the root and ignores trailing slashes', () => {
    expect(matchRoute('/', '/')).toEqual({});
    expect(matchRoute('/bin', '/bin/')).toEqual({});
  });
  it('refuses paths of another shape', () => {
    expect(matchRoute('/interviews/:id', '/interviews')).toBeNull();
    expect(matchRoute('/interviews/:id', '/interviews/a/b')).toBeNull();
    expect(matchRoute('/rooms/:id', '/interviews/a')).toBeNull();
  });
  it('decodes parameters and refuses malformed escapes', () => {
    expect(matchRoute('/join/:code', '/join/a%2Db')).toEqual({ code: 'a-b' });
    expect(matchRoute('/join/:code', '/join/%E0%A4%A')).toBeNull();
  });
});

describe('resolve', () => {
  const routes = [
    { pattern: '/', view: 'home' },
    { pattern: '/account/delete', view: 'confirm' },
    { pattern: '/account', view: 'account' },
  ];
  it('picks the first route that fits', () => {
    expect(resolve(routes, '/account/delete')?.view).toBe('confirm');
    expect(resolve(routes, '/account')?.view).toBe('account');
    expect(resolve(routes, '/nope')).toBeNull();
  });
});

describe('safeNext', () => {
  it('keeps local paths', () => {
    expect(safeNext('/interviews/1?x=2')).toBe('/interviews/1?x=2');
  });
  it('refuses other origins and protocol-relative urls', () => {
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
  it('refuses what a browser would turn into another origin', () => {
    // A browser drops tabs and newlines from a URL: "/\t/evil.example" becomes "//evil.example".
    expect(safeNext('/\t/evil.example')).toBe('/');
    expect(safeNext('/\n/evil.example')).toBe('/');
    expect(safeNext('/\r\n/evil.example')).toBe('/');
    expect(safeNext(' //evil.example')).toBe('/');
    expect(safeNext('/%5Cevil.example')).toBe('/');
    expect(safeNext('/\\/evil.example')).toBe('/');
  });
});
