/**
 * The record page's terminal sessions: each interactive run of the room, played back in a
 * terminal at its own pace (or faster), from the transcript the room stored with the run.
 * xterm.js loads only when Play is pressed.
 */
import type { RunEntry } from '../core/api';
import { h } from '../core/dom';
import { formatDateTime } from '../core/format';
import { formatRunResult } from '../core/runResult';
import { dueFrames, type ReplayFrame, replayFrames, terminalOf } from '../core/terminalTranscript';

export function terminalReplayCard(runs: RunEntry[]): HTMLElement | null {
  const sessions = runs.flatMap((run) => {
    const terminal = terminalOf(run.result);
    return terminal ? [{ run, frames: replayFrames(terminal), mode: terminal.mode }] : [];
  });
  if (sessions.length === 0) return null;
  return h('section', { class: 'card terminal-replays' },
    h('h2', null, `Terminal sessions (${sessions.length})`),
    h('ol', { class: 'run-list' }, sessions.map(({ run, frames, mode }, index) => {
      const view = formatRunResult(run.result);
      const host = h('div', { class: 'terminal-host replay-host', hidden: true, 'aria-label': `Terminal session ${index + 1}` });
      const speed = h('select', { 'aria-label': 'Playback speed' },
        h('option', { value: '1' }, '1×'), h('option', { value: '4' }, '4×'), h('option', { value: '1000000' }, 'All at once'));
      const play = h('button', { type: 'button', class: 'btn btn-small' }, 'Play');
      play.addEventListener('click', () => void playIn(host, frames, Number(speed.value), play));
      return h('li', { class: 'run-item' },
        h('div', { class: 'run-summary' },
          h('span', { class: `badge badge-${view.badge.tone}` }, view.badge.label),
          h('span', { class: 'muted small' }, `${run.language}${mode === 'repl' ? ' REPL' : ''} · by ${run.started_by} · ${formatDateTime(run.created_at)}`),
          play, speed),
        host);
    })));
}

async function playIn(host: HTMLElement, frames: ReplayFrame[], speed: number, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  host.hidden = false;
  const [{ Terminal }] = await Promise.all([import('@xterm/xterm'), import('@xterm/xterm/css/xterm.css')]);
  host.replaceChildren();
  const term = new Terminal({ convertEol: true, disableStdin: true, rows: 16, fontSize: 13, theme: { background: '#14161a' } });
  term.open(host);
  const started = performance.now();
  let next = 0;
  const tick = (): void => {
    const due = dueFrames(frames, next, performance.now() - started, speed);
    for (; next < due; next += 1) term.write(frames[next]!.text);
    if (next < frames.length) window.setTimeout(tick, 30);
    else button.disabled = false;
  };
  tick();
}
