import { describe, expect, it } from 'vitest';
import { readCookie, readCsrfCookie } from './cookies';

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('a=1; onsite_csrf=abc%3D%3D; b=2', 'onsite_csrf')).toBe('abc==');
  });
  it('does not match a cookie whose name only ends the same', () => {
    expect(readCookie('xonsite_csrf=no', 'onsite_csrf')).toBeNull();
  });
  it('returns null when absent and keeps undecodable values raw', () => {
    expect(readCookie('', 'x')).toBeNull();
    expect(readCookie('x=%E0%A4%A', 'x')).toBe('%E0%A4%A');
  });
});

describe('readCsrfCookie', () => {
  it('prefers the __Host- cookie an https site sets, else the plain one', () => {
    expect(readCsrfCookie('__Host-onsite_csrf=h; onsite_csrf=p')).toBe('h');
    expect(readCsrfCookie('onsite_csrf=p')).toBe('p');
    expect(readCsrfCookie('')).toBeNull();
  });
});
