import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODE_NAMES, defaultLanguage, modeOf, modesByLanguage } from './modes';

describe('language modes', () => {
  it('maps catalogue editor keys to the modes the client ships', () => {
    const modes = modesByLanguage([
      { id: 'c', editor: 'cpp' },
      { id: 'node', editor: 'javascript' },
      { id: 'brainfuck', editor: 'brainfuck' },
      { id: 'old' },
    ]);
    expect(modes.get('c')).toBe('cpp');
    expect(modes.get('node')).toBe('javascript');
    expect(modes.get('brainfuck')).toBe('plain');
    expect(modes.get('old')).toBe('plain');
    expect(modeOf(undefined)).toBe('plain');
  });
  it('starts a room in the default language, else the first', () => {
    expect(defaultLanguage([{ id: 'c' }, { id: 'python', default: true }])?.id).toBe('python');
    expect(defaultLanguage([{ id: 'c' }, { id: 'python' }])?.id).toBe('c');
    expect(defaultLanguage([])).toBeUndefined();
  });
  it('ships a mode for every editor named in config/languages.toml', () => {
    const url = new URL('../../../config/languages.toml', import.meta.url);
    if (!existsSync(url)) return; // the engine's catalogue may not be in this checkout
    const editors = [...readFileSync(url, 'utf8').matchAll(/^editor\s*=\s*"([^"]+)"/gm)].map((m) => m[1]!);
    expect(editors.length).toBeGreaterThan(0);
    for (const editor of editors) expect(MODE_NAMES, `no editor mode ${editor}`).toContain(editor);
  });
});
