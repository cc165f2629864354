/** The run panel: stdin, the Run button, and the last result as everyone in the room sees it. */
import type { RunResult } from '../core/api';
import { h, replaceChildren } from '../core/dom';
import { formatRunResult, TRUNCATION_NOTE } from '../core/runResult';

export interface RunStartedInfo {
  started_by: { name?: string; role?: string } | null;
  language: string;
}

export interface RunFinishedInfo extends RunStartedInfo {
  result: RunResult | null;
  error: { code: string; message: string } | null;
}

export function starterName(startedBy: RunStartedInfo['started_by']): string {
  return startedBy?.name ?? 'someone';
}

export class RunPanel {
  readonly el: HTMLElement;
  readonly stdin: HTMLTextAreaElement;
  private readonly button: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly output: HTMLElement;
  private running = false;
  private allowed = true;

  constructor(private readonly onRun: (stdin: string) => void, stdinMax: number) {
    this.stdin = h('textarea', {
      id: 'run-stdin',
      class: 'stdin',
      rows: 3,
      maxlength: stdinMax,
      placeholder: 'Input given to the program on stdin',
      spellcheck: 'false',
    });
    this.stdin.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.requestRun();
      }
    });
    this.button = h('button', {
      type: 'button',
      class: 'btn btn-primary run-button',
      title: 'Run (Ctrl+Enter)',
      onclick: () => this.requestRun(),
    }, 'Run');
    this.status = h('p', { class: 'run-status', role: 'status', 'aria-live': 'polite' }, 'Press Run or Ctrl+Enter to run the code.');
    this.output = h('div', { class: 'run-output', 'aria-live': 'polite' });
    this.el = h(
      'section',
      { class: 'run-panel', 'aria-label': 'Run' },
      h('div', { class: 'run-head' },
        h('label', { for: 'run-stdin', class: 'run-label' }, 'Standard input'),
        h('div', { class: 'run-actions' }, h('kbd', null, 'Ctrl'), '+', h('kbd', null, 'Enter'), this.button),
      ),
      this.stdin,
      this.status,
      this.output,
    );
  }

  requestRun(): void {
    if (this.running || !this.allowed) return;
    this.onRun(this.stdin.value);
  }

  setAllowed(allowed: boolean, reason: string): void {
    this.allowed = allowed;
    this.render();
    if (!allowed) this.status.textContent = reason;
  }

  started(info: RunStartedInfo): void {
    this.running = true;
    this.status.textContent = `Running ${info.language}… started by ${starterName(info.started_by)}`;
    this.output.classList.add('stale');
    this.render();
  }

  finished(info: RunFinishedInfo): void {
    this.running = false;
    this.render();
    this.output.classList.remove('stale');
    const by = `Run by ${starterName(info.started_by)} · ${info.language}`;
    if (info.error) {
      this.status.textContent = by;
      replaceChildren(this.output, h('div', { class: 'alert alert-error', role: 'alert' }, info.error.message));
      return;
    }
    if (!info.result) return;
    this.status.textContent = by;
    this.showResult(info.result);
  }

  failed(message: string): void {
    this.running = false;
    this.render();
    replaceChildren(this.output, h('div', { class: 'alert alert-error', role: 'alert' }, message));
  }

  showResult(result: RunResult): void {
    const view = formatRunResult(result);
    replaceChildren(
      this.output,
      h('div', { class: 'run-summary' },
        h('span', { class: `badge badge-${view.badge.tone}`, 'data-verdict': result.status }, view.badge.label),
        h('span', { class: 'run-facts' }, view.facts.join(' · ')),
      ),
      view.message ? h('p', { class: 'run-message' }, view.message) : null,
      view.blocks.map((block) =>
        h('div', { class: `out-block out-${block.tone}` },
          h('div', { class: 'out-title' }, block.title),
          h('pre', { class: 'out-text', tabindex: 0 }, block.text || (block.tone === 'out' ? '(no output)' : '')),
          block.truncated ? h('p', { class: 'truncated', role: 'note' }, TRUNCATION_NOTE) : null,
        ),
      ),
    );
  }

  private render(): void {
    this.button.disabled = this.running || !this.allowed;
    this.button.textContent = this.running ? 'Running…' : 'Run';
  }
}
