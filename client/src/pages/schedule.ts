/** Upcoming interview slots: schedule one (the invitation is e-mailed), reschedule, cancel. */
import { type PageContext, requireUser, type View } from '../app';
import { ApiError, http, type Schedule } from '../core/api';
import { alertBox, field, h, replaceChildren } from '../core/dom';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../core/format';
import { questionPicker } from './questionPicker';

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * What the page says after the server answered: the mail may have failed even though the slot
 * was saved, and then the interviewer has to pass the join link on by hand.
 */
function invitationNotice(slot: Schedule, sentText: string): HTMLElement {
  if (slot.invitation_sent !== false) {
    return h('div', { class: 'alert alert-ok', role: 'alert' }, sentText);
  }
  const link = h('input', {
    type: 'text', readonly: true, id: 'failed-invite-link', class: 'invite-link',
    value: slot.join_url ?? '', 'aria-label': 'Join link for the candidate',
  });
  const copy = h('button', {
    type: 'button',
    class: 'btn btn-small',
    onclick: () => {
      link.select();
      void navigator.clipboard?.writeText(link.value).then(() => { copy.textContent = 'Copied'; }).catch(() => undefined);
    },
  }, 'Copy link');
  return h('div', { class: 'alert alert-warn', role: 'alert' },
    h('p', null, `The invitation e-mail for “${slot.title}” could not be sent. The slot is kept; send ${slot.candidate_email} this join link yourself:`),
    h('div', { class: 'copy-row' }, link, copy));
}

/** The slot's state in words, for every state but the ordinary "scheduled, still to come". */
function slotState(slot: Schedule): HTMLElement | null {
  const ended = new Date(slot.starts_at).getTime() + slot.duration_minutes * 60_000 < Date.now();
  if (slot.status === 'cancelled' || slot.interview_status === 'cancelled') return h('span', { class: 'badge badge-muted' }, 'Cancelled');
  if (slot.interview_status === 'completed') return h('span', { class: 'badge badge-ok' }, 'Completed');
  if (slot.interview_status === 'in_progress') return h('span', { class: 'badge badge-info' }, 'In progress');
  if (ended) return h('span', { class: 'badge badge-warn' }, 'Time passed, not held');
  return null;
}

export async function schedulePage(ctx: PageContext): Promise<View> {
  const user = await requireUser(ctx);
  const alert = alertBox();
  const noticeHost = h('div', { class: 'notice-host' });
  const showResult = (slot: Schedule, sentText: string): void => {
    alert.hide();
    replaceChildren(noticeHost, invitationNotice(slot, sentText));
  };
  const showError = (text: string): void => {
    replaceChildren(noticeHost);
    alert.show(text);
  };
  const listHost = h('div', { class: 'slot-list' });
  const pastHost = h('div', { class: 'slot-list' });
  const pastCount = h('span', { class: 'muted' });

  const load = async (): Promise<void> => {
    try {
      const [soon, all] = await Promise.all([
        http.get<Schedule[] | { items: Schedule[] }>('/api/schedules?upcoming=true'),
        http.get<Schedule[] | { items: Schedule[] }>('/api/schedules'),
      ]);
      const items = Array.isArray(soon) ? soon : soon.items;
      const upcomingIds = new Set(items.map((slot) => slot.id));
      // Past: over by the clock, completed or cancelled; newest first.
      const past = (Array.isArray(all) ? all : all.items).filter((slot) => !upcomingIds.has(slot.id)).reverse();
      replaceChildren(listHost, items.length === 0
        ? h('div', { class: 'empty' }, h('p', null, 'No upcoming interviews.'))
        : items.map((slot) => slotCard(slot)));
      pastCount.textContent = past.length ? ` (${past.length})` : '';
      replaceChildren(pastHost, past.length === 0
        ? h('p', { class: 'muted' }, 'Nothing here yet.')
        : past.map((slot) => slotCard(slot)));
    } catch (error) {
      alert.show(errorText(error));
    }
  };

  const slotCard = (slot: Schedule): HTMLElement => {
    const actions = h('div', { class: 'slot-actions' });
    // The server says what may be done now (the rules that would refuse the request).
    const allowed = new Set(slot.actions ?? ['open_room', 'reschedule', 'cancel']);
    const showButtons = (): void => {
      replaceChildren(actions,
        allowed.has('open_room') ? h('a', { href: `/rooms/${slot.interview_id}`, class: 'btn btn-small btn-primary' }, 'Open room') : null,
        allowed.has('reschedule') ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => showReschedule() }, 'Reschedule') : null,
        allowed.has('cancel') ? h('button', { type: 'button', class: 'btn btn-small btn-danger-ghost', onclick: () => showCancel() }, 'Cancel') : null,
        allowed.has('open_room') ? null : h('a', { href: `/interviews/${slot.interview_id}`, class: 'btn btn-small' }, 'View record'));
    };
    const showReschedule = (): void => {
      const when = h('input', { type: 'datetime-local', required: true, value: isoToLocalInput(slot.starts_at) });
      const duration = h('input', { type: 'number', min: 5, max: 480, step: 5, required: true, value: String(slot.duration_minutes) });
      const form = h('form', { class: 'inline-form' }, field('New start', when), field('Minutes', duration),
        h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Save and re-send invite'),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: showButtons }, 'Keep'));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const startsAt = localInputToIso(when.value);
        if (!startsAt) {
          alert.show('Pick a valid date and time.');
          return;
        }
        http.patch<Schedule>(`/api/schedules/${slot.id}`, { starts_at: startsAt, duration_minutes: Number(duration.value) })
          .then(async (updated) => {
            showResult(updated, `Rescheduled “${slot.title}”; the updated invitation was sent.`);
            await load();
          })
          .catch((error: unknown) => showError(errorText(error)));
      });
      replaceChildren(actions, form);
      when.focus();
    };
    const showCancel = (): void => {
      replaceChildren(actions,
        h('span', null, 'Cancel this interview and notify the candidate?'),
        h('button', {
          type: 'button',
          class: 'btn btn-small btn-danger',
          onclick: () => {
            http.post(`/api/schedules/${slot.id}/cancel`)
              .then(async () => {
                replaceChildren(noticeHost);
                alert.show(`Cancelled “${slot.title}”.`, 'ok');
                await load();
              })
              .catch((error: unknown) => showError(errorText(error)));
          },
        }, 'Cancel interview'),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: showButtons }, 'Keep it'));
      actions.querySelector('button')?.focus();
    };
    showButtons();
    const end = new Date(new Date(slot.starts_at).getTime() + slot.duration_minutes * 60_000);
    return h('article', { class: 'card slot' },
      h('div', { class: 'slot-when' },
        h('div', { class: 'slot-date' }, formatDateTime(slot.starts_at)),
        h('div', { class: 'muted small' }, `${slot.duration_minutes} min · until ${end.toLocaleTimeString(undefined, { timeStyle: 'short' })}`)),
      h('div', { class: 'slot-what' },
        h('a', { href: `/interviews/${slot.interview_id}`, class: 'strong' }, slot.title),
        h('div', { class: 'muted small' }, `${slot.candidate_name} · ${slot.candidate_email}`),
        slotState(slot),
        slot.invitation_sent === false && slot.status !== 'cancelled' && slot.interview_status !== 'completed'
          ? h('span', { class: 'badge badge-warn', title: 'The last invitation e-mail could not be sent' }, 'Invitation not sent')
          : null),
      actions);
  };

  const title = h('input', { type: 'text', required: true, maxlength: 200, name: 'title' });
  const candidate = h('input', { type: 'text', required: true, maxlength: 200, name: 'candidate_name' });
  const email = h('input', { type: 'email', required: true, name: 'candidate_email' });
  const interviewer = h('input', { type: 'email', name: 'interviewer_email', value: user.email });
  const when = h('input', { type: 'datetime-local', required: true, name: 'starts_at' });
  const duration = h('input', { type: 'number', min: 5, max: 480, step: 5, value: '60', required: true, name: 'duration_minutes' });
  const zone = browserTimeZone();
  // Arriving from a question's page ("Schedule with it"): that question is picked already.
  const questions = questionPicker(ctx.query.get('question'));
  const form = h('form', { class: 'grid-form' },
    field('Title', title), field('Candidate name', candidate), field('Candidate email', email),
    field('Interviewer email', interviewer, 'Gets the invitation too.'),
    field('Starts', when, `Your time zone: ${zone}`), field('Duration (minutes)', duration),
    questions.el,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Schedule and send invitations')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const startsAt = localInputToIso(when.value);
    if (!startsAt) {
      alert.show('Pick a valid date and time.');
      return;
    }
    const body: Record<string, unknown> = {
      title: title.value.trim(),
      candidate_name: candidate.value.trim(),
      candidate_email: email.value.trim(),
      starts_at: startsAt,
      duration_minutes: Number(duration.value),
      timezone: zone,
    };
    if (interviewer.value.trim()) body['interviewer_email'] = interviewer.value.trim();
    const picked = questions.picked();
    http.post<Schedule>('/api/schedules', body)
      .then(async (created) => {
        let picking = '';
        if (picked.length) {
          // The slot exists already: a failure here must not read as "not scheduled".
          picking = await http.request('PUT', `/api/interviews/${encodeURIComponent(created.interview_id)}/questions`, { question_ids: picked })
            .then(() => ` ${picked.length} question${picked.length === 1 ? '' : 's'} picked for the room.`)
            .catch((error: unknown) => ` The questions could not be picked (${errorText(error)}); pick them in the room.`);
        }
        showResult(created, `Scheduled “${created.title}”; invitations sent to ${created.candidate_email}.${picking}`);
        form.reset();
        questions.reset();
        duration.value = '60';
        interviewer.value = user.email;
        await load();
      })
      .catch((error: unknown) => showError(errorText(error)));
  });

  void load();
  return {
    title: 'Schedule',
    chrome: 'app',
    el: h('div', { class: 'stack-lg' },
      h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Schedule'), h('p', { class: 'muted' }, 'Upcoming interviews and their invitations.'))),
      alert.el,
      noticeHost,
      h('section', { class: 'card' }, h('h2', null, 'Schedule an interview'), form),
      h('section', { 'aria-label': 'Upcoming interviews' }, h('h2', null, 'Upcoming'), listHost),
      h('details', { class: 'past-slots' },
        h('summary', null, h('h2', { class: 'inline-h2' }, 'Past and completed'), pastCount),
        pastHost)),
  };
}
