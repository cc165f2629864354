/**
 * Picking an interview's questions from the bank when scheduling: a checkbox per question (a
 * multi-select needs Ctrl-click and is hard on a phone), a filter box once the list is long, and
 * the question the page was opened for ("Schedule with it") ticked already.
 */
import { http } from '../core/api';
import { h, replaceChildren } from '../core/dom';
import type { QuestionSummary } from '../core/questionForm';
import { difficultyBadge } from './questions';

const FILTER_FROM = 6;

export interface QuestionPicker {
  el: HTMLElement;
  /** The ids ticked, in the bank's order. */
  picked: () => string[];
  reset: () => void;
}

export function questionPicker(preselected: string | null): QuestionPicker {
  const list = h('div', { class: 'picker-list' });
  const filter = h('input', { type: 'search', placeholder: 'Filter questions…', 'aria-label': 'Filter questions', hidden: true });
  const count = h('span', { class: 'muted small', role: 'status' });
  let boxes: { box: HTMLInputElement; row: HTMLElement; text: string }[] = [];

  const showCount = (): void => {
    const n = boxes.filter((b) => b.box.checked).length;
    count.textContent = n ? `${n} picked` : '';
  };
  filter.addEventListener('input', () => {
    const words = filter.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    for (const b of boxes) b.row.hidden = !words.every((w) => b.text.includes(w));
  });

  void http.get<{ items: QuestionSummary[] }>('/api/questions?per_page=100')
    .then((page) => {
      boxes = page.items.map((q) => {
        const box = h('input', { type: 'checkbox', value: q.id, checked: q.id === preselected });
        box.addEventListener('change', showCount);
        const row = h('label', { class: 'picker-row' }, box, h('span', { class: 'picker-title' }, q.title), difficultyBadge(q.difficulty));
        return { box, row, text: `${q.title} ${q.tags.join(' ')}`.toLocaleLowerCase() };
      });
      filter.hidden = boxes.length < FILTER_FROM;
      replaceChildren(list, boxes.length
        ? boxes.map((b) => b.row)
        : h('p', { class: 'muted small' }, 'The bank is empty.'));
      showCount();
    })
    .catch(() => replaceChildren(list, h('p', { class: 'muted small' }, 'The question bank could not be loaded.')));

  const el = h('fieldset', { class: 'field question-picker plain-fieldset' },
    h('legend', null, 'Questions ', count),
    filter, list,
    h('small', { class: 'hint' }, 'Optional. The interview keeps them as they are now; load one in the room. ',
      h('a', { href: '/questions' }, 'Manage the question bank')));
  return {
    el,
    picked: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value),
    reset: () => {
      for (const b of boxes) b.box.checked = false;
      filter.value = '';
      for (const b of boxes) b.row.hidden = false;
      showCount();
    },
  };
}
