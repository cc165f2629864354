/** Turns a RunResult into what the run panel shows: a verdict badge, output blocks and figures. */
import type { RunResult, Stage, Verdict } from './api';

export interface VerdictBadge {
  label: string;
  tone: 'ok' | 'warn' | 'error';
}

const VERDICTS: Record<Verdict, VerdictBadge> = {
  ok: { label: 'OK', tone: 'ok' },
  compile_error: { label: 'Compile error', tone: 'error' },
  runtime_error: { label: 'Runtime error', tone: 'error' },
  time_limit: { label: 'Time limit exceeded', tone: 'warn' },
  memory_limit: { label: 'Memory limit exceeded', tone: 'warn' },
  output_limit: { label: 'Output limit exceeded', tone: 'warn' },
  internal_error: { label: 'Internal error', tone: 'error' },
};

export function verdictBadge(status: string): VerdictBadge {
  return VERDICTS[status as Verdict] ?? { label: status.replace(/_/g, ' '), tone: 'error' };
}

export interface OutputBlock {
  title: string;
  text: string;
  truncated: boolean;
  tone: 'out' | 'err';
}

export interface RunView {
  badge: VerdictBadge;
  blocks: OutputBlock[];
  facts: string[];
  message: string | null;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatMemory(kb: number | null | undefined): string {
  if (kb === null || kb === undefined) return '—';
  if (kb < 1024) return `${kb} KB`;
  const mb = kb / 1024;
  return `${mb.toFixed(mb < 10 ? 1 : 0)} MB`;
}

function stageBlocks(stage: Stage, prefix: string, blocks: OutputBlock[], always: boolean): void {
  if (stage.stdout || stage.stdout_truncated || always) {
    blocks.push({ title: `${prefix}stdout`, text: stage.stdout, truncated: stage.stdout_truncated, tone: 'out' });
  }
  if (stage.stderr || stage.stderr_truncated) {
    blocks.push({ title: `${prefix}stderr`, text: stage.stderr, truncated: stage.stderr_truncated, tone: 'err' });
  }
}

export function formatRunResult(result: RunResult): RunView {
  const blocks: OutputBlock[] = [];
  const facts: string[] = [];
  if (result.compile) {
    const c = result.compile;
    if (c.stdout || c.stderr || result.status === 'compile_error') {
      const text = [c.stdout, c.stderr].filter(Boolean).join(c.stdout && c.stderr ? '\n' : '');
      blocks.push({
        title: 'Compiler output',
        text,
        truncated: c.stdout_truncated || c.stderr_truncated,
        tone: result.status === 'compile_error' ? 'err' : 'out',
      });
    }
    facts.push(`compile ${formatDuration(c.wall_ms)}`);
  }
  if (result.run) {
    const r = result.run;
    stageBlocks(r, '', blocks, true);
    facts.push(`time ${formatDuration(r.wall_ms)}`);
    if (r.cpu_ms !== null && r.cpu_ms !== undefined) facts.push(`cpu ${formatDuration(r.cpu_ms)}`);
    facts.push(`memory ${formatMemory(r.memory_kb)}`);
    if (r.exit_code !== null && r.exit_code !== undefined) facts.push(`exit code ${r.exit_code}`);
    if (r.signal) facts.push(`signal ${r.signal}`);
  }
  return { badge: verdictBadge(result.status), blocks, facts, message: result.message ?? null };
}

export const TRUNCATION_NOTE = 'Output truncated: the program printed more than the limit allows.';

/** What "Copy output" puts on the clipboard: one block as it is, several under their titles. */
export function outputAsText(view: RunView): string {
  const blocks = view.blocks.filter((b) => b.text);
  if (blocks.length === 1) return blocks[0]!.text;
  return blocks.map((b) => `${b.title}:\n${b.text.replace(/\n$/, '')}`).join('\n\n');
}
