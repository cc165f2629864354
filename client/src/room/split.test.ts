import { describe, expect, it } from 'vitest';
import { clampSplit, loadSplit, saveSplit, SPLIT_DEFAULT, SPLIT_KEY, SPLIT_MAX, SPLIT_MIN, splitAfterKey, splitAtPointer } from './split';

function memory(initial: Record<string, string> = {}): Storage {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  } as unknown as Storage;
}

describe('editor/output split', () => {
  it('stays within bounds', () => {
    expect(clampSplit(0)).toBe(SPLIT_MIN);
    expect(clampSplit(2)).toBe(SPLIT_MAX);
    expect(clampSplit(Number.NaN)).toBe(SPLIT_DEFAULT);
  });
  it('moves with the keys: up grows the output', () => {
    expect(splitAfterKey(0.4, 'ArrowUp')).toBeCloseTo(0.45);
    expect(splitAfterKey(0.4, 'ArrowDown')).toBeCloseTo(0.35);
    expect(splitAfterKey(0.4, 'Home')).toBe(SPLIT_MAX);
    expect(splitAfterKey(0.4, 'End')).toBe(SPLIT_MIN);
    expect(splitAfterKey(0.4, 'a')).toBeNull();
  });
  it('follows the pointer', () => {
    expect(splitAtPointer(600, 100, 1000)).toBeCloseTo(0.5);
    expect(splitAtPointer(100, 100, 1000)).toBe(SPLIT_MAX);
  });
  it('is remembered', () => {
    const storage = memory();
    expect(loadSplit(storage)).toBe(SPLIT_DEFAULT);
    saveSplit(storage, 0.5);
    expect(storage.getItem(SPLIT_KEY)).toBe('0.500');
    expect(loadSplit(storage)).toBe(0.5);
    expect(loadSplit(memory({ [SPLIT_KEY]: 'junk' }))).toBe(SPLIT_DEFAULT);
  });
});
