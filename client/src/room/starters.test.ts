import { describe, expect, it } from 'vitest';
import type { Language } from '../core/api';
import { type RoomQuestion, setCurrentQuestion } from './questionCore';
import { catalogueStarters, firstStarter, loadedQuestionStarters, type StarterSource, switchAction } from './starters';

const languages = [
  { id: 'python', name: 'Python', version: '3.13', stub: 'print("hi")\n' },
  { id: 'java', name: 'Java', version: '21', stub: 'class Main {}\n' },
] as unknown as Language[];

describe('starters', () => {
  it('takes the catalogue default code', async () => {
    expect(await catalogueStarters(languages).starter('java')).toEqual({ code: 'class Main {}\n', label: 'the Java starter code' });
    expect(await catalogueStarters(languages).starter('cobol')).toBeNull();
  });
  it('lets another source go first', async () => {
    const bank: StarterSource = { starter: async (id) => (id === 'java' ? { code: 'class Solution {}\n', label: "the question's Java starter" } : null) };
    const source = firstStarter(bank, catalogueStarters(languages));
    expect((await source.starter('java'))?.code).toBe('class Solution {}\n');
    expect((await source.starter('python'))?.code).toBe('print("hi")\n');
  });
  it("puts the loaded question's starter first, and only while a question is loaded", async () => {
    const source = firstStarter(loadedQuestionStarters(languages), catalogueStarters(languages));
    setCurrentQuestion({ starters: { java: 'class Solution {}\n' } } as unknown as RoomQuestion);
    expect(await source.starter('java')).toEqual({ code: 'class Solution {}\n', label: "the question's Java starter" });
    expect((await source.starter('python'))?.code).toBe('print("hi")\n');
    setCurrentQuestion(null);
    expect((await source.starter('java'))?.code).toBe('class Main {}\n');
  });
  it('a failing source is skipped', async () => {
    const broken: StarterSource = { starter: () => Promise.reject(new Error('offline')) };
    expect((await firstStarter(broken, catalogueStarters(languages)).starter('python'))?.code).toBe('print("hi")\n');
  });
});

describe('switchAction', () => {
  const known = ['print("hi")\n', 'class Main {}\n'];
  it('replaces what would lose nothing', () => {
    expect(switchAction('', 'class Main {}\n', known)).toBe('replace');
    expect(switchAction('print("hi")', 'class Main {}\n', known)).toBe('replace');
  });
  it('offers when there is real code', () => {
    expect(switchAction('int main() { return 1; }', 'class Main {}\n', known)).toBe('offer');
  });
  it('does nothing when the code already is the starter', () => {
    expect(switchAction('class Main {}', 'class Main {}\n', known)).toBe('none');
  });
});
