import { describe, expect, it } from 'vitest';
import { languageLabel, languageName, languagesSummary } from './languageLabel';

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

describe('languagesSummary', () => {
  const all = ['c', 'go', 'java', 'python', 'rust'].map((id) => ({ id, name: id.toUpperCase() }));
  it('says "all" when a question has every language of the catalogue', () => {
    expect(languagesSummary(['rust', 'python', 'java', 'go', 'c'], all)).toBe('All 5 languages');
  });
  it('names a few, counts the rest, and keeps unknown ids', () => {
    expect(languagesSummary(['python', 'go'], all)).toBe('PYTHON, GO');
    expect(languagesSummary(['c', 'go', 'java', 'python'], all)).toBe('C, GO, JAVA, PYTHON');
    expect(languagesSummary(['c', 'go', 'java', 'python', 'cobol'], all)).toBe('C, GO, JAVA +2 more');
    expect(languagesSummary([], all)).toBe('—');
    expect(languageName(all, 'cobol')).toBe('cobol');
  });
});
