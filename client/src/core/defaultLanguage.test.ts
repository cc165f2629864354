import { describe, expect, it } from 'vitest';
import { defaultLanguage } from './api';

describe('defaultLanguage', () => {
  it('takes the one the catalogue marks', () => {
    expect(defaultLanguage([{ id: 'c' }, { id: 'rust', default: true }])?.id).toBe('rust');
  });
  it('falls back to the first, and to nothing', () => {
    expect(defaultLanguage([{ id: 'c' }, { id: 'go' }])?.id).toBe('c');
    expect(defaultLanguage([])).toBeUndefined();
  });
});
