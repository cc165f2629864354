/** Languages as people read them: "Python 3.13", never the catalogue id "python". */
import type { Language } from './api';

/** The name and version of a catalogue id; the id itself for one no longer in the catalogue. */
export function languageLabel(languages: readonly Pick<Language, 'id' | 'name' | 'version'>[], id: string | null | undefined): string {
  if (!id) return '—';
  const language = languages.find((l) => l.id === id);
  return language ? `${language.name} ${language.version}` : id;
}
