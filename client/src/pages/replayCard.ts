/** The record's replay: scrub or play the code as it was typed, from the room's update log. */
import { ApiError, http } from '../core/api';
import { h, replaceChildren } from '../core/dom';
import { CODE_DOC } from '../core/protocol';

interface PlaybackPage {
  interview_id: string;
  doc: string;
  updates: { seq: number; author_name: string; author_role: string; created_at: string; update: string }[];
  next_after: number | null;
}

/** Long interviews are capped so the page stays responsive; the cap is said, not hidden. */
const MAX_UPDATES = 50_000;

export function replayCard(interviewId: string): HTMLElement {
  const body = h('div', { class: 'replay-body' });
  const load = h('button', { type: 'button', class: 'btn' }, 'Load replay');
  load.addEventListener('click', () => {
    load.disabled = true;
    load.textContent = 'Loading…';
    void start(interviewId, body).catch((error: unknown) => {
      replaceChildren(body, h('p', { class: 'alert alert-error', role: 'alert' },
        error instanceof ApiError || error instanceof Error ? error.message : 'The replay could not be loaded.'));
    });
  });
  replaceChildren(body, h('p', { class: 'muted' }, 'Watch the code being written, keystroke by keystroke.'), load);
  return h('section', { class: 'card' }, h('h2', null, 'Replay'), body);
}

async function start(interviewId: string, body: HTMLElement): Promise<void> {
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
  if (steps.length === 0) {
    replaceChildren(body, h('p', { class: 'muted' }, 'Nothing was typed in this room.'));
    return;
  }
  const timeline = new ReplayTimeline(steps.map((s) => decodeBase64(s.update)), CODE_DOC.text);
  const slider = h('input', { type: 'range', min: 0, max: timeline.length, value: String(timeline.length), id: 'replay-position', class: 'replay-slider' });
  const label = h('span', { class: 'muted small', role: 'status' });
  const code = h('pre', { class: 'code-block replay-code', tabindex: 0, 'aria-label': 'Code at this point' });
  const play = h('button', { type: 'button', class: 'btn btn-small' }, 'Play');
  let timer = 0;

  const show = (step: number): void => {
    slider.value = String(step);
    code.textContent = timeline.textAt(step);
    const s = steps[step - 1];
    label.textContent = s
      ? `Step ${step} of ${timeline.length} · ${s.author_name} (${s.author_role}) · ${new Date(s.created_at).toLocaleTimeString()}`
      : `Start · ${timeline.length} steps`;
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
    if (Number(slider.value) >= timeline.length) show(0);
    play.textContent = 'Pause';
    // About 20 seconds for the whole interview, never slower than 20 steps a second.
    const stride = Math.max(1, Math.ceil(timeline.length / 400));
    timer = window.setInterval(() => {
      const next = Math.min(timeline.length, Number(slider.value) + stride);
      show(next);
      if (next >= timeline.length || !body.isConnected) stop();
    }, 50);
  });
  slider.addEventListener('input', () => {
    stop();
    show(Number(slider.value));
  });
  replaceChildren(body,
    h('div', { class: 'replay-controls' }, play,
      h('label', { for: 'replay-position', class: 'sr-only' }, 'Replay position'), slider),
    label,
    steps.length >= MAX_UPDATES ? h('p', { class: 'muted small' }, `Showing the first ${MAX_UPDATES} steps.`) : null,
    code);
  show(timeline.length);
}
