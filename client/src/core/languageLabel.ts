/** Languages as people read them: "Python 3.13", never the catalogue id "python". */
import type { Language } from './api';

/** The name and version of a catalogue id; the id itself for one no longer in the catalogue. */
export function languageLabel(languages: readonly Pick<Language, 'id' | 'name' | 'version'>[], id: string | null | undefined): string {
  if (!id) return '—';
  const language = languages.find((l) => l.id === id);
  return language ? `${language.name} ${language.version}` : id;
}

/** A language's name alone (a list of starters has no room for versions). */
export function languageName(languages: readonly Pick<Language, 'id' | 'name'>[], id: string): string {
  return languages.find((l) => l.id === id)?.name ?? id;
}

/** Short enough for a table cell: every language, a few by name, or the first ones and a count. */
export function languagesSummary(ids: readonly string[], languages: readonly Pick<Language, 'id' | 'name'>[]): string {
  if (ids.length === 0) return '—';
  if (languages.length > 0 && languages.every((l) => ids.includes(l.id))) return `All ${languages.length} languages`;
  const names = ids.map((id) => languageName(languages, id));
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')} +${names.length - 3} more`;
}
