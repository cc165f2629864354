/**
 * The run panel: stdin, the Run button, and the last result as everyone in the room sees it.
 * The output scrolls inside the panel (the pane's split decides its height) and can be copied.
 */
import type { RunResult } from '../core/api';
import { h, replaceChildren } from '../core/dom';
import { formatRunResult, outputAsText, TRUNCATION_NOTE } from '../core/runResult';

export interface RunStartedInfo {
  started_by: { name?: string; role?: string } | null;
  language: string;
  /** The input the run was given (the room's shared box at the moment Run was pressed). */
  stdin?: string;
}

export interface RunFinishedInfo extends RunStartedInfo {
  result: RunResult | null;
  error: { code: string; message: string } | null;
}

/** " · input 3 4" for the status line: short, on one line. */
export function inputNote(stdin: string | undefined): string {
  if (stdin === undefined) return '';
  if (stdin.trim() === '') return ' · no input';
  const line = stdin.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  return ` · input ${line.length > 40 ? `${line.slice(0, 39)}…` : line}`;
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
  private readonly copyButton: HTMLButtonElement;
  private readonly copyState: HTMLElement;
  private copyText = '';
  private running = false;
  private allowed = true;

  /** The input box is the room's (a Y.Text bound by the page); Run sends nothing of it. */
  constructor(private readonly onRun: () => void, stdinMax: number, private readonly languageName: (id: string) => string = (id) => id) {
    this.stdin = h('textarea', {
      id: 'run-stdin',
      class: 'stdin',
      rows: 3,
      maxlength: stdinMax,
      placeholder: 'Input given to the program on stdin (shared: everyone in the room sees it)',
      spellcheck: 'false',
      disabled: true, // until the shared document has synced (typing earlier would race it)
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
    this.copyState = h('span', { class: 'copy-state', role: 'status' });
    this.copyButton = h('button', {
      type: 'button',
      class: 'btn btn-small btn-ghost run-copy',
      hidden: true,
      onclick: () => void this.copy(),
    }, 'Copy output');
    this.el = h(
      'section',
      { class: 'run-panel', 'aria-label': 'Run' },
      h('div', { class: 'run-head' },
        h('label', { for: 'run-stdin', class: 'run-label' }, 'Standard input'),
        h('div', { class: 'run-actions' }, h('kbd', null, 'Ctrl'), '+', h('kbd', null, 'Enter'), this.button),
      ),
      this.stdin,
      h('div', { class: 'run-status-row' }, this.status, this.copyState, this.copyButton),
      h('div', { class: 'run-scroll', tabindex: 0, 'aria-label': 'Output' }, this.output),
    );
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.copyText);
      this.copyState.textContent = 'Copied.';
    } catch {
      // No clipboard (plain http on another host): select the output for Ctrl+C instead.
      const pre = this.output.querySelector('pre');
      if (pre) window.getSelection()?.selectAllChildren(pre);
      this.copyState.textContent = 'Press Ctrl+C to copy.';
    }
    window.setTimeout(() => { this.copyState.textContent = ''; }, 3000);
  }

  private setCopy(text: string): void {
    this.copyText = text;
    this.copyButton.hidden = text === '';
    this.copyState.textContent = '';
  }

  requestRun(): void {
    if (this.running || !this.allowed) return;
    this.onRun();
  }

  setAllowed(allowed: boolean, reason: string): void {
    this.allowed = allowed;
    this.render();
    if (!allowed) this.status.textContent = reason;
  }

  /** The shared box may be typed in once the document has synced (and until the end). */
  setInputEditable(editable: boolean): void {
    this.stdin.disabled = !editable;
  }

  /** The interview is over: nothing can be run or typed in any more. */
  close(reason: string): void {
    this.stdin.disabled = true;
    this.setAllowed(false, reason);
  }

  started(info: RunStartedInfo): void {
    this.running = true;
    this.status.textContent = `Running ${this.languageName(info.language)}… started by ${starterName(info.started_by)}${inputNote(info.stdin)}`;
    this.output.classList.add('stale');
    this.render();
  }

  finished(info: RunFinishedInfo): void {
    this.running = false;
    this.render();
    this.output.classList.remove('stale');
    const by = `Run by ${starterName(info.started_by)} · ${this.languageName(info.language)}`;
    if (info.error) {
      this.status.textContent = by;
      replaceChildren(this.output, h('div', { class: 'alert alert-error', role: 'alert' }, info.error.message));
      this.setCopy(info.error.message);
      return;
    }
    if (!info.result) return;
    this.status.textContent = by;
    this.showResult(info.result, info.stdin);
  }

  failed(message: string): void {
    this.running = false;
    this.render();
    replaceChildren(this.output, h('div', { class: 'alert alert-error', role: 'alert' }, message));
    this.setCopy(message);
  }

  showResult(result: RunResult, stdin?: string): void {
    const view = formatRunResult(result);
    this.setCopy(outputAsText(view));
    replaceChildren(
      this.output,
      stdin === undefined
        ? null
        : h('div', { class: 'out-block out-input', 'data-testid': 'run-input' },
          h('div', { class: 'out-title' }, 'Input'),
          h('pre', { class: 'out-text' }, stdin === '' ? '(no input)' : stdin)),
      h('div', { class: 'run-summary' },
        h('span', { class: `badge badge-${view.badge.tone}`, 'data-verdict': result.status }, view.badge.label),
        h('span', { class: 'run-facts' }, view.facts.join(' · ')),
      ),
      view.message ? h('p', { class: 'run-message' }, view.message) : null,
      view.blocks.map((block) =>
        h('div', { class: `out-block out-${block.tone}` },
          h('div', { class: 'out-title' }, block.title),
          h('pre', { class: 'out-text' }, block.text || (block.tone === 'out' ? '(no output)' : '')),
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
