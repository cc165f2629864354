/**
 * The record's panel: the co-interviewers the owner added (by their account e-mail). Each gets an
 * e-mail with the room and record links, opens the room as an interviewer and fills a scorecard.
 */
import { ApiError, http } from '../core/api';
import { h, replaceChildren } from '../core/dom';

interface CoInterviewer { user_id: string; name: string; email: string }

function message(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

/** ``manage``: the owner adds and removes people; a co-interviewer only sees who is on it. */
export function panelCard(interviewId: string, { manage = true }: { manage?: boolean } = {}): HTMLElement {
  const base = `/api/interviews/${encodeURIComponent(interviewId)}/interviewers`;
  const list = h('ul', { class: 'panel-list' });
  const state = h('p', { class: 'muted small', role: 'status' });
  const email = h('input', { type: 'email', required: true, id: 'panel-email', placeholder: 'colleague@example.com' });
  const form = h('form', { class: 'row panel-form' },
    h('label', { for: 'panel-email', class: 'sr-only' }, 'Co-interviewer e-mail'), email,
    h('button', { type: 'submit', class: 'btn btn-small' }, 'Add to panel'));
  const load = async (): Promise<void> => {
    try {
      const panel = await http.get<{ items: CoInterviewer[] }>(base);
      replaceChildren(list, panel.items.length === 0
        ? h('li', { class: 'muted small' }, 'Only you so far.')
        : panel.items.map((p) => h('li', null, h('strong', null, p.name), ` <${p.email}> `,
          !manage ? null : h('button', {
            type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Remove ${p.name}`,
            onclick: () => void http.delete(`${base}/${encodeURIComponent(p.user_id)}`).then(load).catch((e: unknown) => { state.textContent = message(e); }),
          }, 'Remove'))));
    } catch (error) {
      state.textContent = message(error);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.textContent = 'Adding…';
    http.post<CoInterviewer>(base, { email: email.value.trim() })
      .then((added) => {
        state.textContent = `Added ${added.name}; they were e-mailed the room link.`;
        email.value = '';
        return load();
      })
      .catch((error: unknown) => { state.textContent = message(error); });
  });
  void load();
  return h('section', { class: 'card' }, h('h2', null, 'Panel'),
    h('p', { class: 'muted small' }, 'Co-interviewers open the room as interviewers, see the notes and the question’s guide, and fill their own scorecard.'),
    list, manage ? form : null, state);
}
