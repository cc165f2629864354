/**
 * The split between the editor and the output: the output's share of the pane's height, moved
 * with the drag handle or its arrow keys and remembered in localStorage.
 */
export const SPLIT_KEY = 'onsite.split';
export const SPLIT_DEFAULT = 0.38;
export const SPLIT_MIN = 0.15;
export const SPLIT_MAX = 0.8;
const STEP = 0.05;

export function clampSplit(value: number): number {
  if (!Number.isFinite(value)) return SPLIT_DEFAULT;
  return Math.min(SPLIT_MAX, Math.max(SPLIT_MIN, value));
}

/** The output's share after a key on the handle (it sits above the output: Up makes it taller). */
export function splitAfterKey(current: number, key: string): number | null {
  switch (key) {
    case 'ArrowUp':
      return clampSplit(current + STEP);
    case 'ArrowDown':
      return clampSplit(current - STEP);
    case 'PageUp':
      return clampSplit(current + 2 * STEP);
    case 'PageDown':
      return clampSplit(current - 2 * STEP);
    case 'Home':
      return SPLIT_MAX;
    case 'End':
      return SPLIT_MIN;
    default:
      return null;
  }
}

/** The output's share for a pointer at `y` in a pane spanning `top`..`top + height`. */
export function splitAtPointer(y: number, top: number, height: number): number {
  if (height <= 0) return SPLIT_DEFAULT;
  return clampSplit((top + height - y) / height);
}

export function loadSplit(storage: Pick<Storage, 'getItem'>): number {
  try {
    const raw = storage.getItem(SPLIT_KEY);
    return raw === null ? SPLIT_DEFAULT : clampSplit(Number(raw));
  } catch {
    return SPLIT_DEFAULT;
  }
}

export function saveSplit(storage: Pick<Storage, 'setItem'>, value: number): void {
  try {
    storage.setItem(SPLIT_KEY, clampSplit(value).toFixed(3));
  } catch {
    // Storage blocked: the split just isn't remembered.
  }
}
