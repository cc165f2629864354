import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE_IDS, MODE_BY_LANGUAGE } from './modes';

describe('language modes', () => {
  it('highlights all 13 catalogue languages', () => {
    expect(CATALOGUE_IDS).toHaveLength(13);
    for (const id of CATALOGUE_IDS) expect(MODE_BY_LANGUAGE[id]).toBeDefined();
  });
  it('knows every language of config/languages.toml', () => {
    const url = new URL('../../../config/languages.toml', import.meta.url);
    if (!existsSync(url)) return; // the engine's catalogue may not be in this checkout yet
    const ids = [...readFileSync(url, 'utf8').matchAll(/^\[languages\.([a-z0-9_+-]+)\]/gm)].map((m) => m[1]!);
    for (const id of ids) expect(MODE_BY_LANGUAGE[id], `no editor mode for ${id}`).toBeDefined();
  });
});
