import { describe, expect, it } from 'vitest';
import { languageLabel } from './languageLabel';

describe('languageLabel', () => {
  const languages = [{ id: 'c', name: 'C', version: 'GCC 14' }, { id: 'python', name: 'Python', version: '3.13' }];
  it('names a language and its version', () => {
    expect(languageLabel(languages, 'c')).toBe('C GCC 14');
    expect(languageLabel(languages, 'python')).toBe('Python 3.13');
  });
  it('falls back to the id, or a dash for none', () => {
    expect(languageLabel(languages, 'cobol')).toBe('cobol');
    expect(languageLabel(languages, null)).toBe('—');
  });
});
