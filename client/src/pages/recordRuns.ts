/**
 * The record's runs: each with the exact code, language and input it ran with (stored with the
 * run, not the editor's last state), the code highlighted as its language, and the language shown
 * by name and version. A run's code is rendered when its entry is opened, so a long interview
 * does not build a hundred editors up front.
 */
import type { Language, RunEntry } from '../core/api';
import { h } from '../core/dom';
import { formatDateTime } from '../core/format';
import { languageLabel } from '../core/languageLabel';
import { formatRunResult, TRUNCATION_NOTE } from '../core/runResult';
import { readOnlyCode } from '../room/codeView';

export function runsSection(runs: readonly RunEntry[], languages: readonly Language[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'runs-title' },
    h('h2', { id: 'runs-title' }, `Runs (${runs.length})`),
    runs.length === 0
      ? h('p', { class: 'muted' }, 'No runs.')
      : h('ol', { class: 'run-list' }, runs.map((run, index) => runItem(run, index + 1, languages))));
}

function runItem(run: RunEntry, number: number, languages: readonly Language[]): HTMLElement {
  const view = formatRunResult(run.result);
  const language = languageLabel(languages, run.language);
  const codeHost = h('div', { class: 'run-code' });
  let rendered = false;
  const details = h('details', { class: 'run-details' },
    h('summary', null, 'Code, input and output'),
    h('div', { class: 'out-block' }, h('div', { class: 'out-title' }, `Code (${language})`), codeHost),
    h('div', { class: 'out-block out-input' }, h('div', { class: 'out-title' }, 'Input'),
      h('pre', { class: 'out-text' }, run.stdin === '' ? '(no input)' : run.stdin)),
    view.blocks.map((b) => h('div', { class: `out-block out-${b.tone}` }, h('div', { class: 'out-title' }, b.title),
      h('pre', { class: 'out-text' }, b.text || '(empty)'), b.truncated ? h('p', { class: 'truncated' }, TRUNCATION_NOTE) : null)));
  details.addEventListener('toggle', () => {
    if (!details.open || rendered) return;
    rendered = true;
    if (run.source) readOnlyCode(codeHost, run.source, run.language, `Code of run ${number}`);
    else codeHost.appendChild(h('p', { class: 'muted small' }, 'This run was recorded before runs kept their code.'));
  });
  return h('li', { class: 'run-item', 'data-run': String(number) },
    h('div', { class: 'run-summary' },
      h('span', { class: 'run-number muted' }, `#${number}`),
      h('span', { class: `badge badge-${view.badge.tone}` }, view.badge.label),
      h('span', { class: 'strong small run-language' }, language),
      h('span', { class: 'muted small' }, `by ${run.started_by} · ${formatDateTime(run.created_at)}${view.facts.length ? ` · ${view.facts.join(' · ')}` : ''}`)),
    details);
}
