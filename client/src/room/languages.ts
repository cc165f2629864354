/**
 * Syntax highlighting for the 13 catalogue languages. Lezer grammars where CodeMirror ships one,
 * legacy stream modes for the rest. Everything is bundled: no mode is fetched at run time.
 */
import { cpp } from '@codemirror/lang-cpp';
import { go } from '@codemirror/lang-go';
import { java } from '@codemirror/lang-java';
import { javascript } from '@codemirror/lang-javascript';
import { php } from '@codemirror/lang-php';
import { python } from '@codemirror/lang-python';
import { StreamLanguage } from '@codemirror/language';
import { csharp, kotlin } from '@codemirror/legacy-modes/mode/clike';
import { perl } from '@codemirror/legacy-modes/mode/perl';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import type { Extension } from '@codemirror/state';

import { MODE_BY_LANGUAGE, type ModeName } from './modes';

const FACTORIES: Record<ModeName, () => Extension> = {
  cpp: () => cpp(),
  java: () => java(),
  python: () => python(),
  javascript: () => javascript(),
  typescript: () => javascript({ typescript: true }),
  php: () => php({ plain: false }),
  go: () => go(),
  csharp: () => StreamLanguage.define(csharp),
  kotlin: () => StreamLanguage.define(kotlin),
  perl: () => StreamLanguage.define(perl),
  ruby: () => StreamLanguage.define(ruby),
  plain: () => [],
};

const cache = new Map<ModeName, Extension>();

export function languageExtension(languageId: string): Extension {
  const mode = MODE_BY_LANGUAGE[languageId] ?? 'plain';
  let ext = cache.get(mode);
  if (!ext) {
    ext = FACTORIES[mode]();
    cache.set(mode, ext);
  }
  return ext;
}
