/**
 * The shared terminal's pure core: who may type, what a keystroke becomes on the wire, and the
 * output stream kept in order (a late joiner's scrollback and live chunks may overlap).
 */

export type Keyboard = 'everyone' | 'candidate' | 'interviewer';
export type Role = 'interviewer' | 'candidate';

export interface TerminalOutput {
  session_id: string;
  seq: number;
  stream: 'stdout' | 'stderr' | 'echo' | 'notice';
  data: Uint8Array;
  dropped: number;
}

export interface TerminalStarted {
  session_id: string;
  mode: 'program' | 'repl';
  language: string;
  started_by: { name?: string; role?: string } | null;
  started_at: string;
}

export interface TerminalState {
  keyboard: Keyboard;
  repl_languages: string[];
  running: TerminalStarted | null;
  scrollback: TerminalOutput[];
  last: { session_id: string; result: { status: string; message?: string | null } | null; error: { message: string } | null } | null;
}

export function canType(keyboard: Keyboard, role: Role): boolean {
  return keyboard === 'everyone' || keyboard === role;
}

export function keyboardLabel(keyboard: Keyboard): string {
  return keyboard === 'everyone' ? 'Everyone can type' : keyboard === 'candidate' ? 'Only the candidate types' : 'Only the interviewer types';
}

/** xterm's onData → the events to send: Ctrl+C is an interrupt, the rest goes as input. */
export function keystrokes(data: string, maxChars: number): Array<{ kind: 'input'; data: string } | { kind: 'interrupt' }> {
  const out: Array<{ kind: 'input'; data: string } | { kind: 'interrupt' }> = [];
  const parts = data.split('\x03');
  parts.forEach((part, i) => {
    for (let at = 0; at < part.length; at += maxChars) out.push({ kind: 'input', data: part.slice(at, at + maxChars) });
    if (i < parts.length - 1) out.push({ kind: 'interrupt' });
  });
  return out;
}

/** Keeps the chunks of one session once each, in sequence order. */
export class OutputOrder {
  private session = '';
  private lastSeq = 0;

  reset(sessionId: string): void {
    this.session = sessionId;
    this.lastSeq = 0;
  }

  /** True when the chunk is new for the current session (and must be shown). */
  accept(chunk: Pick<TerminalOutput, 'session_id' | 'seq'>): boolean {
    if (chunk.session_id !== this.session) {
      this.reset(chunk.session_id);
    }
    if (chunk.seq <= this.lastSeq) return false;
    this.lastSeq = chunk.seq;
    return true;
  }
}

/** The wire's bin arrives as a Uint8Array (msgpack) or an ArrayBuffer; anything else is text. */
export function asBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new TextEncoder().encode(typeof data === 'string' ? data : '');
}

/** A one-line verdict for the status row. */
export function finishedLine(last: TerminalState['last']): string {
  if (!last) return '';
  if (last.error) return `Could not run: ${last.error.message}`;
  const status = last.result?.status ?? 'unknown';
  const message = last.result?.message;
  return `Finished: ${status.replace(/_/g, ' ')}${message ? ` — ${message}` : ''}`;
}
