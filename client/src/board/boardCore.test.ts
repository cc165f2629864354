import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';

import { type BoardElement, changedElements, encodeElement, mergeScenes, parseElement, sceneOf, stamp, supersedes } from './boardCore';

const el = (id: string, version: number, extra: Partial<BoardElement> = {}): BoardElement => ({
  id, type: 'rectangle', version, versionNonce: 5, index: `a${id}`, x: 0, y: 0, ...extra,
});

describe('board elements in a Y.Map', () => {
  it('round-trip through JSON, and junk is skipped', () => {
    const map = new Y.Doc().getMap<string>('elements');
    map.set('1', encodeElement(el('1', 1)));
    map.set('2', 'not json');
    map.set('3', JSON.stringify({ id: '3' }));
    map.set('4', encodeElement(el('other', 1)));
    expect(sceneOf(map.entries()).map((e) => e.id)).toEqual(['1']);
    expect(parseElement(42)).toBeNull();
  });

  it('orders the scene by fractional index', () => {
    const scene = sceneOf([['b', encodeElement(el('b', 1, { index: 'a2' }))], ['a', encodeElement(el('a', 1, { index: 'a1' }))]]);
    expect(scene.map((e) => e.id)).toEqual(['a', 'b']);
  });
});

describe('merging copies', () => {
  it('higher version wins, then the lower nonce', () => {
    expect(supersedes(el('1', 2), el('1', 1))).toBe(true);
    expect(supersedes(el('1', 1, { versionNonce: 1 }), el('1', 1, { versionNonce: 9 }))).toBe(true);
    expect(supersedes(el('1', 1, { versionNonce: 9 }), el('1', 1, { versionNonce: 1 }))).toBe(false);
  });

  it('folds remote copies into the local scene', () => {
    const merged = mergeScenes([el('1', 3), el('2', 1)], [el('1', 2), el('2', 4), el('3', 1)]);
    expect(merged.map((e) => [e.id, e.version])).toEqual([['1', 3], ['2', 4], ['3', 1]]);
  });

  it('writes only what the map lacks or holds older', () => {
    const shared = new Map([['1', el('1', 1)], ['2', el('2', 5)]]);
    const known = new Map([...shared].map(([id, e]) => [id, stamp(e)]));
    const local = [el('1', 1), el('2', 4), el('3', 1), el('1', 2)];
    const changed = changedElements(local, known, (id) => shared.get(id) ?? null);
    expect(changed.map((e) => [e.id, e.version])).toEqual([['3', 1], ['1', 2]]);
  });
});
