/** The interviewer's invite panel: the join link to copy, its QR code, and the run permission. */
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
  const copy = h('button', {
    type: 'button',
    class: 'btn btn-small',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(options.joinUrl);
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
  const el = h('div', { class: 'invite' },
    h('p', null, 'Send the candidate this link, or let them scan the code.'),
    h('label', { for: 'invite-link' }, 'Join link'),
    h('div', { class: 'row' }, link, copy),
    copyState,
    h('img', {
      src: `/api/interviews/${encodeURIComponent(options.interviewId)}/qr.svg`,
      alt: 'QR code of the join link',
      class: 'qr',
      width: 180,
      height: 180,
    }),
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
