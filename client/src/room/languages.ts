/**
 * Syntax highlighting for the 13 catalogue languages: Lezer grammars where CodeMirror ships one,
 * legacy stream modes for the rest. Each mode is its own chunk of the bundle, loaded the first
 * time a room uses it (PHP alone brings HTML, CSS and JavaScript parsers). Everything is served
 * by Onsite itself: nothing comes from a CDN.
 */
import type { StreamParser } from '@codemirror/language';
import type { Extension } from '@codemirror/state';

import { MODE_BY_LANGUAGE, type ModeName } from './modes';

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
  plain: async () => [],
};

const cache = new Map<ModeName, Promise<Extension>>();

export function loadLanguage(languageId: string): Promise<Extension> {
  const mode = MODE_BY_LANGUAGE[languageId] ?? 'plain';
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
