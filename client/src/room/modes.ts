/**
 * Editor modes: which grammar highlights a language. Pure data and functions, unit-tested.
 *
 * The client ships the modes below; the catalogue (config/languages.toml, answered by
 * /api/languages) names one per language in its `editor` key, so a new language needs no change
 * here unless it needs a grammar the client does not ship yet (then it shows as plain text).
 */

export const MODE_NAMES = [
  'cpp',
  'java',
  'python',
  'javascript',
  'typescript',
  'php',
  'go',
  'csharp',
  'kotlin',
  'perl',
  'ruby',
  'rust',
  'plain',
] as const;

export type ModeName = (typeof MODE_NAMES)[number];

/** What the client needs of an `/api/languages` entry. */
export interface CatalogueLanguage {
  id: string;
  editor?: string;
  default?: boolean;
}

const KNOWN: ReadonlySet<string> = new Set(MODE_NAMES);

/** The mode a catalogue `editor` value names; `plain` for one the client does not ship. */
export function modeOf(editor: string | undefined): ModeName {
  return editor !== undefined && KNOWN.has(editor) ? (editor as ModeName) : 'plain';
}

/** Language id → editor mode, from the `/api/languages` answer. */
export function modesByLanguage(languages: readonly CatalogueLanguage[]): Map<string, ModeName> {
  return new Map(languages.map((language) => [language.id, modeOf(language.editor)]));
}

/** The language a new room starts in: the catalogue's default, else its first language. */
export function defaultLanguage<T extends CatalogueLanguage>(languages: readonly T[]): T | undefined {
  return languages.find((language) => language.default === true) ?? languages[0];
}
