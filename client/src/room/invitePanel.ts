/**
 * The interviewer's invite panel: the join link to copy, its QR code, a new link on demand (the
 * old one and every token it issued stop working; candidates in the room are disconnected), and
 * the room's switches (run permission, relay-only video).
 */
import { ApiError, http } from '../core/api';
import { h } from '../core/dom';

export interface InvitePanel {
  el: HTMLElement;
  setCandidateCanRun(allowed: boolean): void;
  setRelayOnly(relayOnly: boolean): void;
}

export function invitePanel(options: {
  interviewId: string;
  joinUrl: string;
  onCandidateCanRun: (allowed: boolean) => void;
  onRelayOnly: (relayOnly: boolean) => void;
}): InvitePanel {
  const link = h('input', { type: 'text', readonly: true, value: options.joinUrl, id: 'invite-link', class: 'mono' });
  const copyState = h('span', { class: 'muted small', role: 'status' });
  let joinUrl = options.joinUrl;
  const copy = h('button', {
    type: 'button',
    class: 'btn btn-small',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(joinUrl);
        copyState.textContent = 'Link copied.';
      } catch {
        // No clipboard access (plain http on another host): select it for Ctrl+C instead.
        link.select();
        copyState.textContent = 'Press Ctrl+C to copy.';
      }
    },
  }, 'Copy link');
  const canRun = h('input', { type: 'checkbox', checked: true, id: 'candidate-can-run' });
  canRun.addEventListener('change', () => options.onCandidateCanRun(canRun.checked));
  const relay = h('input', { type: 'checkbox', id: 'relay-only' });
  relay.addEventListener('change', () => options.onRelayOnly(relay.checked));
  const qrSrc = (): string => `/api/interviews/${encodeURIComponent(options.interviewId)}/qr.svg?v=${encodeURIComponent(joinUrl.slice(-8))}`;
  const qr = h('img', { src: qrSrc(), alt: 'QR code of the join link', class: 'qr', width: 180, height: 180 });
  const rotate = h('button', { type: 'button', class: 'btn btn-small' }, 'New join link');
  rotate.addEventListener('click', () => {
    rotate.disabled = true;
    http.post<{ join_url: string }>(`/api/interviews/${encodeURIComponent(options.interviewId)}/join-link/rotate`)
      .then(({ join_url }) => {
        joinUrl = join_url;
        link.value = join_url;
        qr.src = qrSrc();
        copyState.textContent = 'New link made: the old one no longer works. Send the candidate this one.';
      })
      .catch((error: unknown) => {
        copyState.textContent = error instanceof ApiError || error instanceof Error ? error.message : 'No new link could be made.';
      })
      .finally(() => { rotate.disabled = false; });
  });
  const el = h('div', { class: 'invite' },
    h('p', null, 'Send the candidate this link, or let them scan the code.'),
    h('label', { for: 'invite-link' }, 'Join link'),
    h('div', { class: 'row' }, link, copy, rotate),
    copyState,
    qr,
    h('label', { class: 'check' }, canRun, ' Candidate may run code'),
    h('label', { class: 'check' }, relay, ' Relay-only video (no one sees the others’ network addresses)'));
  return {
    el,
    setCandidateCanRun: (allowed) => {
      canRun.checked = allowed;
    },
    setRelayOnly: (relayOnly) => {
      relay.checked = relayOnly;
    },
  };
}
