/**
 * The record's replay: scrub or play the code as it was typed (from the room's update log) in real
 * time at 1x–16x, on a timeline whose markers (runs, test runs, chat, pastes, tab switches) jump
 * to their moment.
 */
import { ApiError, http } from '../core/api';
import { h, replaceChildren } from '../core/dom';
import { CODE_DOC } from '../core/protocol';
import { type ActivityLike, type ChatLike, clock, markersOf, percentOf, type RunLike, spanOf, SPEEDS, stepAtTime } from '../core/timeline';

interface PlaybackPage {
  interview_id: string;
  doc: string;
  updates: { seq: number; author_name: string; author_role: string; created_at: string; update: string }[];
  next_after: number | null;
}

/** Long interviews are capped so the page stays responsive; the cap is said, not hidden. */
const MAX_UPDATES = 50_000;

export interface ReplayContext {
  runs: RunLike[];
  chat: ChatLike[];
}

export function replayCard(interviewId: string, context: ReplayContext = { runs: [], chat: [] }): HTMLElement {
  const body = h('div', { class: 'replay-body' });
  const load = h('button', { type: 'button', class: 'btn' }, 'Load replay');
  load.addEventListener('click', () => {
    load.disabled = true;
    load.textContent = 'Loading…';
    void start(interviewId, body, context).catch((error: unknown) => {
      replaceChildren(body, h('p', { class: 'alert alert-error', role: 'alert' },
        error instanceof ApiError || error instanceof Error ? error.message : 'The replay could not be loaded.'));
    });
  });
  replaceChildren(body, h('p', { class: 'muted' }, 'Watch the code being written, with the runs, test runs, chat and the candidate’s activity on a timeline.'), load);
  return h('section', { class: 'card' }, h('h2', null, 'Replay'), body);
}

const TICK_MS = 50;

async function start(interviewId: string, body: HTMLElement, context: ReplayContext): Promise<void> {
  const { ReplayTimeline, decodeBase64 } = await import('../core/replay');
  const steps: PlaybackPage['updates'] = [];
  let after: number | null = 0;
  while (after !== null && steps.length < MAX_UPDATES) {
    const page: PlaybackPage = await http.get<PlaybackPage>(
      `/api/interviews/${encodeURIComponent(interviewId)}/playback?doc=code&after=${after}&limit=5000`,
    );
    steps.push(...page.updates);
    after = page.next_after;
  }
  const activity = await http.get<{ items: ActivityLike[] }>(`/api/interviews/${encodeURIComponent(interviewId)}/activity`)
    .catch(() => ({ items: [] as ActivityLike[] }));
  if (steps.length === 0) {
    replaceChildren(body, h('p', { class: 'muted' }, 'Nothing was typed in this room.'));
    return;
  }
  const timeline = new ReplayTimeline(steps.map((s) => decodeBase64(s.update)), CODE_DOC.text);
  const times = steps.map((s) => Date.parse(s.created_at));
  const markers = markersOf(context.runs, context.chat, activity.items);
  const span = spanOf(times, markers);
  // The timeline opens a millisecond before the first event: its start shows the empty page.
  const t0 = span.start - 1;
  const t1 = span.end;
  const length = Math.max(1, t1 - t0);
  const slider = h('input', { type: 'range', min: 0, max: length, value: String(length), id: 'replay-position', class: 'replay-slider' });
  const label = h('span', { class: 'muted small replay-label', role: 'status' });
  const event = h('p', { class: 'replay-event', role: 'status', 'aria-live': 'polite' });
  const code = h('pre', { class: 'code-block replay-code', tabindex: 0, 'aria-label': 'Code at this point' });
  const play = h('button', { type: 'button', class: 'btn btn-small' }, 'Play');
  const speed = h('select', { id: 'replay-speed', 'aria-label': 'Playback speed' },
    SPEEDS.map((n) => h('option', { value: String(n), selected: n === 4 }, `${n}x`)));
  let timer = 0;

  const show = (offset: number): void => {
    slider.value = String(offset);
    const step = stepAtTime(times, t0 + offset);
    code.textContent = timeline.textAt(step);
    const s = steps[step - 1];
    label.textContent = `${clock(offset)} / ${clock(length)} · step ${step} of ${timeline.length}${s ? ` · ${s.author_name} (${s.author_role})` : ''}`;
  };
  const stop = (): void => {
    window.clearInterval(timer);
    timer = 0;
    play.textContent = 'Play';
  };
  play.addEventListener('click', () => {
    if (timer) {
      stop();
      return;
    }
    if (Number(slider.value) >= length) show(0);
    play.textContent = 'Pause';
    // Real time at the chosen speed (1x–16x).
    timer = window.setInterval(() => {
      const next = Math.min(length, Number(slider.value) + TICK_MS * Number(speed.value));
      show(next);
      if (next >= length || !body.isConnected) stop();
    }, TICK_MS);
  });
  slider.addEventListener('input', () => {
    stop();
    show(Number(slider.value));
  });
  const track = h('div', { class: 'replay-track', 'aria-label': 'Timeline markers' },
    markers.map((m) => h('button', {
      type: 'button',
      class: `replay-marker marker-${m.kind}`,
      'data-kind': m.kind,
      style: `left:${percentOf(m.at, t0, t1).toFixed(2)}%`,
      title: m.label,
      'aria-label': `${clock(m.at - t0)} ${m.label}`,
      onclick: () => {
        stop();
        show(m.at - t0);
        event.textContent = `${clock(m.at - t0)} · ${m.label}`;
      },
    })));
  const legend = h('p', { class: 'muted small replay-legend' },
    (['run', 'tests', 'chat', 'paste', 'tab'] as const).map((k) => h('span', { class: `legend-item marker-${k}` }, { run: 'run', tests: 'test run', chat: 'chat', paste: 'paste', tab: 'left the tab' }[k])));
  replaceChildren(body,
    h('div', { class: 'replay-controls' }, play,
      h('label', { for: 'replay-speed', class: 'sr-only' }, 'Speed'), speed,
      h('div', { class: 'replay-scrub' }, track,
        h('label', { for: 'replay-position', class: 'sr-only' }, 'Replay position'), slider)),
    legend,
    label,
    event,
    steps.length >= MAX_UPDATES ? h('p', { class: 'muted small' }, `Showing the first ${MAX_UPDATES} steps.`) : null,
    code);
  show(length);
}
