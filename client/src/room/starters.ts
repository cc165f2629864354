/**
 * Where a language's starter code comes from when someone switches language in the room.
 *
 * A `StarterSource` answers "what should a fresh <language> file hold here?". The room uses the
 * catalogue's default code (`catalogueStarters`); a question bank can put its own starters in
 * front with `firstStarter(questionStarters, catalogueStarters(languages))` without the editor
 * knowing (the offer reads `label` to say where the code comes from).
 */
import type { Language } from '../core/api';
import { questionStarter } from './questionCore';

export interface StarterCode {
  code: string;
  /** How the offer names it: "the Java 21 starter code", "the question's Java starter". */
  label: string;
}

export interface StarterSource {
  starter(languageId: string): Promise<StarterCode | null>;
}

/** The catalogue's default code of each language (config/languages.toml `stub`). */
export function catalogueStarters(languages: readonly Language[]): StarterSource {
  return {
    starter: async (id) => {
      const language = languages.find((l) => l.id === id);
      if (!language || !language.stub) return null;
      return { code: language.stub, label: `the ${language.name} starter code` };
    },
  };
}

/** The starters of the question loaded in this room (room/questionCore), when it has one. */
export function loadedQuestionStarters(languages: readonly Language[]): StarterSource {
  return {
    starter: async (id) => {
      const code = questionStarter(id);
      if (code === null) return null;
      const name = languages.find((l) => l.id === id)?.name ?? id;
      return { code, label: `the question's ${name} starter` };
    },
  };
}

/** The first source that has a starter for the language wins. */
export function firstStarter(...sources: StarterSource[]): StarterSource {
  return {
    starter: async (id) => {
      for (const source of sources) {
        const found = await source.starter(id).catch(() => null);
        if (found) return found;
      }
      return null;
    },
  };
}

/**
 * What switching language should do with the code: replace it silently when nothing would be
 * lost (empty, or some language's untouched starter), offer the new starter when there is real
 * code, or nothing when the code already is that starter.
 */
export function switchAction(current: string, starter: string, knownStarters: readonly string[]): 'replace' | 'offer' | 'none' {
  const trimmed = current.trim();
  if (trimmed === starter.trim()) return 'none';
  if (trimmed === '' || knownStarters.some((s) => s.trim() === trimmed)) return 'replace';
  return 'offer';
}
