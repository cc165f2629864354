/**
 * The whiteboard's pure core: how Excalidraw elements live in the room's Y.Map (element id ->
 * the element as compact JSON) and how a local scene and the shared one are merged. No React,
 * no Excalidraw import, so it is tested on plain objects and the room chunk can use it too.
 *
 * Excalidraw bumps an element's `version` on every change and draws a fresh random
 * `versionNonce`; of two copies of one element the higher version wins, and on a tie the lower
 * nonce (Excalidraw's own reconciliation rule), so every replica settles on the same scene.
 */

export interface BoardElement {
  id: string;
  version: number;
  versionNonce: number;
  /** Excalidraw's fractional index: the z-order. */
  index?: string | null;
  isDeleted?: boolean;
  [key: string]: unknown;
}

/** Reads one map value; anything that is not an element (a hostile or broken peer) is skipped. */
export function parseElement(value: unknown): BoardElement | null {
  if (typeof value !== 'string') return null;
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const el = data as Record<string, unknown>;
  if (typeof el['id'] !== 'string' || typeof el['version'] !== 'number' || typeof el['type'] !== 'string') return null;
  return { versionNonce: 0, ...el } as BoardElement;
}

export function encodeElement(element: BoardElement): string {
  return JSON.stringify(element);
}

/** True if `a` supersedes `b` (the same element's other copy). */
export function supersedes(a: BoardElement, b: BoardElement): boolean {
  if (a.version !== b.version) return a.version > b.version;
  return a.versionNonce < b.versionNonce;
}

/** Z-order: by fractional index (plain string order, as Excalidraw compares them), then id. */
export function byIndex(a: BoardElement, b: BoardElement): number {
  const ia = a.index ?? '';
  const ib = b.index ?? '';
  if (ia !== ib) return ia < ib ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The scene a map's entries describe, in z-order. */
export function sceneOf(entries: Iterable<[string, unknown]>): BoardElement[] {
  const scene: BoardElement[] = [];
  for (const [id, value] of entries) {
    const element = parseElement(value);
    if (element && element.id === id) scene.push(element);
  }
  return scene.sort(byIndex);
}

/** A compact fingerprint of a copy, to see cheaply whether the map already holds it. */
export function stamp(element: BoardElement): string {
  return `${element.version}:${element.versionNonce}`;
}

/**
 * The local elements the shared map lacks or holds an older copy of (`known` is the stamp of
 * what the map holds per id). Only these are written, so an unchanged scene costs nothing.
 */
export function changedElements(local: readonly BoardElement[], known: ReadonlyMap<string, string>, sharedCopy: (id: string) => BoardElement | null): BoardElement[] {
  const changed: BoardElement[] = [];
  for (const element of local) {
    const seen = known.get(element.id);
    if (seen === stamp(element)) continue;
    const shared = seen === undefined ? null : sharedCopy(element.id);
    if (!shared || supersedes(element, shared)) changed.push(element);
  }
  return changed;
}

/** The local scene with the remote copies folded in (each element's winning copy), in z-order. */
export function mergeScenes(local: readonly BoardElement[], remote: readonly BoardElement[]): BoardElement[] {
  const merged = new Map<string, BoardElement>();
  for (const element of local) merged.set(element.id, element);
  for (const element of remote) {
    const mine = merged.get(element.id);
    if (!mine || supersedes(element, mine)) merged.set(element.id, element);
  }
  return [...merged.values()].sort(byIndex);
}
