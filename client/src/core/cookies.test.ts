import { describe, expect, it } from 'vitest';
import { readCookie } from './cookies';

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
