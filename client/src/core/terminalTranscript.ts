/**
 * A terminal run's transcript from the record (`result.terminal`, written by the room's
 * server/rooms/terminal.py): `[ms since start, stream, text]` entries. Pure: turns it into the
 * frames a replay writes to a terminal, input shown as it was echoed.
 */

export type TranscriptEntry = [number, string, string];

export interface TerminalRecord {
  mode: string;
  started_at?: string;
  transcript: TranscriptEntry[];
  omitted_bytes: number;
}

export interface ReplayFrame {
  at: number;
  text: string;
}

export function terminalOf(result: unknown): TerminalRecord | null {
  if (typeof result !== 'object' || result === null) return null;
  const terminal = (result as { terminal?: unknown }).terminal;
  if (typeof terminal !== 'object' || terminal === null) return null;
  const t = terminal as Partial<TerminalRecord>;
  if (!Array.isArray(t.transcript)) return null;
  return { mode: String(t.mode ?? 'program'), started_at: t.started_at, transcript: t.transcript, omitted_bytes: Number(t.omitted_bytes ?? 0) };
}

export function replayFrames(record: TerminalRecord): ReplayFrame[] {
  const frames: ReplayFrame[] = [];
  for (const entry of record.transcript) {
    if (!Array.isArray(entry) || entry.length < 3) continue;
    const [at, stream, text] = entry;
    if (typeof at !== 'number' || typeof text !== 'string') continue;
    const shown = stream === 'stdin' ? text.replace(/\n/g, '\r\n') : text;
    frames.push({ at, text: stream === 'stderr' ? `\x1b[31m${shown}\x1b[0m` : shown });
  }
  if (record.omitted_bytes > 0) {
    const last = frames.at(-1)?.at ?? 0;
    frames.push({ at: last, text: `\r\n[${record.omitted_bytes} more bytes were not kept]\r\n` });
  }
  return frames;
}

/** The frames due at `elapsed` ms (played at `speed`), from `next` on; returns the new index. */
export function dueFrames(frames: ReplayFrame[], next: number, elapsed: number, speed: number): number {
  let index = next;
  while (index < frames.length && frames[index]!.at <= elapsed * speed) index += 1;
  return index;
}
