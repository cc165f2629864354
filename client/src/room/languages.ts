/**
 * Syntax highlighting for the catalogue's languages: Lezer grammars where CodeMirror ships one,
 * legacy stream modes for the rest. Which mode a language uses comes from the catalogue
 * (`editor`, answered by /api/languages), so this file names no language. Each mode is its own
 * chunk of the bundle, loaded the first time a room uses it (PHP alone brings HTML, CSS and
 * JavaScript parsers). Everything is served by Onsite itself: nothing comes from a CDN.
 */
import type { StreamParser } from '@codemirror/language';
import type { Extension } from '@codemirror/state';

import { type CatalogueLanguage, type ModeName, modesByLanguage } from './modes';

async function stream(load: () => Promise<StreamParser<unknown>>): Promise<Extension> {
  const [{ StreamLanguage }, mode] = await Promise.all([import('@codemirror/language'), load()]);
  return StreamLanguage.define(mode);
}

const LOADERS: Record<ModeName, () => Promise<Extension>> = {
  cpp: async () => (await import('@codemirror/lang-cpp')).cpp(),
  java: async () => (await import('@codemirror/lang-java')).java(),
  python: async () => (await import('@codemirror/lang-python')).python(),
  javascript: async () => (await import('@codemirror/lang-javascript')).javascript(),
  typescript: async () => (await import('@codemirror/lang-javascript')).javascript({ typescript: true }),
  php: async () => (await import('@codemirror/lang-php')).php({ plain: false }),
  go: async () => (await import('@codemirror/lang-go')).go(),
  csharp: () => stream(async () => (await import('@codemirror/legacy-modes/mode/clike')).csharp),
  kotlin: () => stream(async () => (await import('@codemirror/legacy-modes/mode/clike')).kotlin),
  perl: () => stream(async () => (await import('@codemirror/legacy-modes/mode/perl')).perl),
  ruby: () => stream(async () => (await import('@codemirror/legacy-modes/mode/ruby')).ruby),
  rust: () => stream(async () => (await import('@codemirror/legacy-modes/mode/rust')).rust),
  plain: async () => [],
};

let catalogue: Promise<Map<string, ModeName>> | undefined;

/** The catalogue's modes, fetched once (the answer is public and the same for everyone). */
function catalogueModes(): Promise<Map<string, ModeName>> {
  catalogue ??= fetch('/api/languages', { credentials: 'same-origin' })
    .then(async (response) => {
      if (!response.ok) throw new Error(`/api/languages answered ${response.status}`);
      return modesByLanguage((await response.json()) as CatalogueLanguage[]);
    })
    .catch((error: unknown) => {
      catalogue = undefined; // try again next time
      console.warn('the language catalogue could not be loaded', error);
      return new Map<string, ModeName>();
    });
  return catalogue;
}

const cache = new Map<ModeName, Promise<Extension>>();

export async function loadLanguage(languageId: string): Promise<Extension> {
  const mode = (await catalogueModes()).get(languageId) ?? 'plain';
  let ext = cache.get(mode);
  if (!ext) {
    ext = LOADERS[mode]().catch((error: unknown) => {
      // A chunk that failed to load (network blip) may be retried next time.
      cache.delete(mode);
      console.warn(`highlighting for ${languageId} could not be loaded`, error);
      return [];
    });
    cache.set(mode, ext);
  }
  return ext;
}
