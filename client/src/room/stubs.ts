/** When switching language, replace the code with the new starter only if nothing would be lost. */
export function shouldReplaceCode(current: string, knownStubs: string[]): boolean {
  const trimmed = current.trim();
  if (trimmed === '') return true;
  return knownStubs.some((stub) => stub.trim() === trimmed);
}

/** Names and colours for cursors: stable per participant, readable on light and dark themes. */
const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#dc2626', '#0891b2', '#65a30d'];

export function colourFor(key: string): string {
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}

export function lighten(hex: string, alpha = 0.25): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((x) => parseInt(x, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
