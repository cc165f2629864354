/**
 * The record's whiteboard: scrub through the board as it was drawn, and download any step as
 * SVG or PNG. Its own card and module (the code replay is replayCard.ts); Excalidraw's exporter
 * loads only when the card's button is pressed. The update log is read page by page, each page
 * folded into the timeline as it arrives, so a long interview never sits in memory as one page.
 */
import { ApiError, http } from '../core/api';
import { h, replaceChildren } from '../core/dom';
import { decodeBase64 } from '../core/replay';
import { BOARD_DOC } from '../core/protocol';
import type { BoardElement } from '../board/boardCore';

interface PlaybackPage {
  updates: { seq: number; author_name: string; author_role: string; created_at: string; update: string }[];
  next_after: number | null;
}

type Step = Omit<PlaybackPage['updates'][number], 'update'>;

export function boardReplayCard(interviewId: string, title: string): HTMLElement {
  const body = h('div', { class: 'replay-body' });
  const load = h('button', { type: 'button', class: 'btn' }, 'Load whiteboard');
  load.addEventListener('click', () => {
    load.disabled = true;
    load.textContent = 'Loading…';
    void start(interviewId, title, body).catch((error: unknown) => {
      replaceChildren(body, h('p', { class: 'alert alert-error', role: 'alert' },
        error instanceof ApiError || error instanceof Error ? error.message : 'The whiteboard could not be loaded.'));
    });
  });
  replaceChildren(body, h('p', { class: 'muted' }, 'See the whiteboard as it was drawn, and download it as SVG or PNG.'), load);
  return h('section', { class: 'card', 'aria-label': 'Whiteboard' }, h('h2', null, 'Whiteboard'), body);
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fileName(title: string, step: number, ext: string): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'whiteboard';
  return `${base}-whiteboard-${step}.${ext}`;
}

async function start(interviewId: string, title: string, body: HTMLElement): Promise<void> {
  const { BoardTimeline, scenePng, sceneSvg } = await import('../board/boardPlayback');
  const timeline = new BoardTimeline(BOARD_DOC.map ?? 'elements');
  const steps: Step[] = [];
  const progress = h('p', { class: 'muted small', role: 'status' }, 'Reading the whiteboard…');
  replaceChildren(body, progress);
  let after: number | null = 0;
  while (after !== null) {
    const page: PlaybackPage = await http.get<PlaybackPage>(
      `/api/interviews/${encodeURIComponent(interviewId)}/playback?doc=board&after=${after}&limit=2000`,
    );
    for (const { update, ...step } of page.updates) {
      timeline.push(decodeBase64(update));
      steps.push(step);
    }
    progress.textContent = `Reading the whiteboard… ${timeline.length} changes`;
    after = page.next_after;
  }
  if (timeline.length === 0) {
    replaceChildren(body, h('p', { class: 'muted' }, 'Nothing was drawn on the whiteboard.'));
    return;
  }
  const slider = h('input', { type: 'range', min: 0, max: timeline.length, value: String(timeline.length), id: 'board-position', class: 'replay-slider' });
  const label = h('span', { class: 'muted small', role: 'status' });
  const preview = h('div', { class: 'board-preview', role: 'img', 'aria-label': 'The whiteboard at this point' });
  const svgButton = h('button', { type: 'button', class: 'btn btn-small' }, 'Download SVG');
  const pngButton = h('button', { type: 'button', class: 'btn btn-small' }, 'Download PNG');
  let scene: BoardElement[] = [];
  let rendering = 0;

  const show = async (step: number): Promise<void> => {
    const ticket = ++rendering;
    scene = timeline.sceneAt(step);
    const s = steps[step - 1];
    label.textContent = s
      ? `Change ${step} of ${timeline.length} · ${s.author_name} (${s.author_role}) · ${new Date(s.created_at).toLocaleTimeString()} · ${scene.length} shapes`
      : `Start · ${timeline.length} changes`;
    const svg = scene.length ? await sceneSvg(scene) : null;
    if (ticket !== rendering) return; // a later step was asked for meanwhile
    if (svg) {
      svg.removeAttribute('width');
      svg.removeAttribute('height');
      replaceChildren(preview, svg);
    } else {
      replaceChildren(preview, h('p', { class: 'muted' }, 'Empty at this point.'));
    }
    preview.dataset['elements'] = String(scene.length);
  };
  slider.addEventListener('input', () => void show(Number(slider.value)));
  svgButton.addEventListener('click', () => {
    void sceneSvg(scene).then((svg) => download(new Blob([svg.outerHTML], { type: 'image/svg+xml' }), fileName(title, Number(slider.value), 'svg')));
  });
  pngButton.addEventListener('click', () => {
    void scenePng(scene).then((png) => download(png, fileName(title, Number(slider.value), 'png')));
  });
  replaceChildren(body,
    h('div', { class: 'replay-controls' },
      h('label', { for: 'board-position', class: 'sr-only' }, 'Whiteboard position'), slider),
    label,
    preview,
    h('div', { class: 'row' }, svgButton, pngButton));
  await show(timeline.length);
}
