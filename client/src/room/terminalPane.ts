/**
 * The terminal pane: the room's shared interactive run in xterm.js. Everyone sees the same
 * output at once; whoever has the keyboard types (the server enforces it: this only greys the
 * pane out); Ctrl+C stops the program. xterm's code loads (dynamic import) the first time the
 * pane is shown; output that arrives before is kept and written then.
 */
import type { FitAddon } from '@xterm/addon-fit';
import type { Terminal } from '@xterm/xterm';
import { h } from '../core/dom';
import {
  asBytes, canType, finishedLine, type Keyboard, keyboardLabel, keystrokes, OutputOrder, type Role,
  type TerminalOutput, type TerminalStarted, type TerminalState,
} from './terminalCore';

export interface TerminalPaneOptions {
  role: Role;
  maxInputChars: number;
  language: () => string;
  send: (event: 'start' | 'input' | 'interrupt' | 'keyboard', payload: Record<string, unknown>) => void;
}

export class TerminalPane {
  readonly el: HTMLElement;
  private readonly host: HTMLElement;
  private readonly status: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly replButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly keyboardSelect: HTMLSelectElement | null;
  private readonly keyboardNote: HTMLElement;
  private term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private loading: Promise<void> | null = null;
  private pending: Uint8Array[] = [];
  private readonly order = new OutputOrder();
  private keyboard: Keyboard = 'everyone';
  private replLanguages: string[] = [];
  private running: TerminalStarted | null = null;
  private allowed = true;
  private resizeObserver: ResizeObserver | null = null;

  constructor(private readonly options: TerminalPaneOptions) {
    this.runButton = h('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'terminal-run', onclick: () => this.start('program') }, 'Run in terminal');
    this.replButton = h('button', { type: 'button', class: 'btn btn-small', id: 'terminal-repl', onclick: () => this.start('repl') }, 'REPL');
    this.stopButton = h('button', { type: 'button', class: 'btn btn-small', id: 'terminal-stop', title: 'Stop the program (Ctrl+C)', onclick: () => options.send('interrupt', {}) }, 'Ctrl+C');
    this.status = h('p', { class: 'terminal-status muted small', role: 'status', 'aria-live': 'polite' }, 'Runs here take input as you type: everyone sees the same terminal.');
    this.keyboardNote = h('span', { class: 'terminal-keyboard muted small' }, keyboardLabel('everyone'));
    if (options.role === 'interviewer') {
      const select = h('select', { class: 'terminal-keyboard-select', 'aria-label': 'Who may type' },
        h('option', { value: 'everyone' }, 'Everyone types'),
        h('option', { value: 'candidate' }, 'Candidate types'),
        h('option', { value: 'interviewer' }, 'I type'));
      select.addEventListener('change', () => options.send('keyboard', { holder: select.value }));
      this.keyboardSelect = select;
    } else {
      this.keyboardSelect = null;
    }
    this.host = h('div', { class: 'terminal-host', 'aria-label': 'Terminal' });
    this.el = h('section', { class: 'terminal-pane', 'aria-label': 'Terminal' },
      h('div', { class: 'terminal-head' }, this.runButton, this.replButton, this.stopButton,
        this.keyboardSelect ?? this.keyboardNote),
      this.status,
      this.host);
    this.render();
  }

  /** Called when the tab is shown or hidden: the first show loads xterm. */
  setVisible(visible: boolean): void {
    if (!visible) return;
    void this.load().then(() => this.fit?.fit());
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([
        import('@xterm/xterm'),
        import('@xterm/addon-fit'),
        import('@xterm/xterm/css/xterm.css'),
      ]);
      const term = new Terminal({
        convertEol: true,
        cursorBlink: true,
        fontSize: 14,
        scrollback: 5000,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
        theme: { background: '#14161a' },
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(this.host);
      term.onData((data) => this.typed(data));
      this.term = term;
      this.fit = fit;
      for (const chunk of this.pending) term.write(chunk);
      this.pending = [];
      fit.fit();
      this.resizeObserver = new ResizeObserver(() => fit.fit());
      this.resizeObserver.observe(this.host);
      this.render();
    })();
    return this.loading;
  }

  private typed(data: string): void {
    if (!this.running || !canType(this.keyboard, this.options.role)) return;
    for (const key of keystrokes(data, this.options.maxInputChars)) {
      if (key.kind === 'interrupt') this.options.send('interrupt', {});
      else this.options.send('input', { data: key.data });
    }
  }

  private start(mode: 'program' | 'repl'): void {
    if (this.running || !this.allowed) return;
    this.status.textContent = 'Starting…';
    this.options.send('start', { mode });
  }

  private write(data: Uint8Array): void {
    if (this.term) this.term.write(data);
    else this.pending.push(data);
  }

  private clear(): void {
    this.pending = [];
    this.term?.reset();
  }

  state(state: TerminalState): void {
    this.keyboard = state.keyboard;
    this.replLanguages = state.repl_languages;
    if (state.running && this.running?.session_id !== state.running.session_id) {
      this.running = state.running;
      this.clear();
      this.order.reset(state.running.session_id);
    }
    if (!state.running) this.running = null;
    for (const chunk of state.scrollback) this.output(chunk);
    if (!state.running && state.last) this.status.textContent = finishedLine(state.last);
    this.render();
  }

  started(info: TerminalStarted): void {
    this.running = info;
    this.clear();
    this.order.reset(info.session_id);
    this.render();
  }

  output(chunk: TerminalOutput): void {
    if (!this.order.accept(chunk)) return;
    this.write(asBytes(chunk.data));
  }

  finished(last: NonNullable<TerminalState['last']>): void {
    if (this.running?.session_id === last.session_id) this.running = null;
    const line = finishedLine(last);
    this.write(new TextEncoder().encode(`\r\n\x1b[2m[${line}]\x1b[0m\r\n`));
    this.render();
    this.status.textContent = line;
  }

  failed(message: string): void {
    this.status.textContent = message;
    this.render();
  }

  setAllowed(allowed: boolean): void {
    this.allowed = allowed;
    this.render();
  }

  private render(): void {
    const running = this.running !== null;
    const mayType = canType(this.keyboard, this.options.role);
    this.runButton.disabled = running || !this.allowed;
    const language = this.options.language();
    this.replButton.hidden = !this.replLanguages.includes(language);
    this.replButton.disabled = running || !this.allowed;
    this.stopButton.disabled = !running || !mayType;
    if (this.keyboardSelect) this.keyboardSelect.value = this.keyboard;
    this.keyboardNote.textContent = keyboardLabel(this.keyboard);
    this.el.classList.toggle('terminal-readonly', running && !mayType);
    if (running) {
      const who = this.running?.started_by?.name ?? 'someone';
      const what = this.running?.mode === 'repl' ? `${this.running.language} REPL` : this.running?.language ?? '';
      this.status.textContent = `${what} running, started by ${who}. ${mayType ? 'Type in the terminal; Ctrl+C stops it.' : keyboardLabel(this.keyboard) + '.'}`;
    }
    if (this.term) this.term.options.disableStdin = !mayType;
  }

  dispose(): void {
    this.resizeObserver?.disconnect();
    this.term?.dispose();
  }
}
