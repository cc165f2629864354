/**
 * The replay's timeline as plain data: markers for runs, test runs, chat messages and what the
 * candidate's browser reported, placed by time; the replay step at a moment; playback speeds.
 */
import { activityText } from '../room/questionCore';

export type MarkerKind = 'run' | 'tests' | 'chat' | 'paste' | 'tab' | 'editor';

export interface Marker {
  at: number;
  kind: MarkerKind;
  label: string;
}

export interface RunLike { created_at: string; started_by: string; result: { status: string; tests?: unknown[]; passed?: number; total?: number } }
export interface ChatLike { sent_at: string; author_name: string; text: string }
export interface ActivityLike { created_at: string; author_name: string; kind: string; detail: { chars?: number; away_ms?: number } }

export const SPEEDS = [1, 2, 4, 8, 16] as const;

function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function markersOf(runs: RunLike[], chat: ChatLike[], activity: ActivityLike[]): Marker[] {
  const markers: Marker[] = [];
  for (const run of runs) {
    const tests = Array.isArray(run.result.tests);
    markers.push({
      at: Date.parse(run.created_at),
      kind: tests ? 'tests' : 'run',
      label: tests
        ? `Test run by ${run.started_by}: ${run.result.passed ?? 0} of ${run.result.total ?? 0} passed`
        : `Run by ${run.started_by}: ${run.result.status.replace(/_/g, ' ')}`,
    });
  }
  for (const m of chat) markers.push({ at: Date.parse(m.sent_at), kind: 'chat', label: `${m.author_name}: ${clip(m.text)}` });
  for (const a of activity) {
    if (a.kind === 'blur' || a.kind === 'focus') {
      if (a.kind === 'blur' || (a.detail.away_ms ?? 0) < 2000) continue;
    }
    const kind: MarkerKind = a.kind === 'paste' ? 'paste' : a.kind === 'focus' ? 'editor' : 'tab';
    const text = activityText({ kind: a.kind, chars: a.detail.chars ?? null, away_ms: a.detail.away_ms ?? null });
    markers.push({ at: Date.parse(a.created_at), kind, label: `${a.author_name} ${text}` });
  }
  return markers.filter((m) => Number.isFinite(m.at)).sort((a, b) => a.at - b.at);
}

/** How many steps (sorted times) happened at or before `t`. */
export function stepAtTime(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function spanOf(times: number[], markers: Marker[]): { start: number; end: number } {
  const all = [...times, ...markers.map((m) => m.at)];
  if (all.length === 0) return { start: 0, end: 0 };
  return { start: Math.min(...all), end: Math.max(...all) };
}

/** Where `t` sits on the track, 0–100 (%). */
export function percentOf(t: number, start: number, end: number): number {
  if (end <= start) return 0;
  return Math.min(100, Math.max(0, ((t - start) / (end - start)) * 100));
}

export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60)).padStart(2, '0');
  return `${mm}:${String(s % 60).padStart(2, '0')}`;
}
