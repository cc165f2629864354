import { describe, expect, it } from 'vitest';
import { auditQuery, domainsFromText, policyLabel } from './adminCore';

describe('domainsFromText', () => {
  it('splits on commas and spaces, lower-cases, drops @ and duplicates', () => {
    expect(domainsFromText(' Example.com, @eu.example.com  x.org;example.com')).toEqual([
      'example.com',
      'eu.example.com',
      'x.org',
    ]);
    expect(domainsFromText('  ')).toEqual([]);
  });
});

describe('auditQuery', () => {
  it('leaves out empty filters', () => {
    expect(auditQuery({ action: '', actor: '' })).toBe('');
    expect(auditQuery({ action: 'sign_in', actor: 'ada@x' }, 100)).toBe('action=sign_in&actor=ada%40x&limit=100');
  });
});

describe('policyLabel', () => {
  it('names every policy and passes unknown ones through', () => {
    expect(policyLabel('domains')).toBe('Open to these domains');
    expect(policyLabel('new')).toBe('new');
  });
});
