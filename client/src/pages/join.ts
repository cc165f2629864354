/** The candidate's way in: who is waiting, a display name, and a camera / microphone check. */
import type { PageContext, View } from '../app';
import { ApiError, http, type JoinGrant, type JoinInfo } from '../core/api';
import { alertBox, field, h } from '../core/dom';
import { limit } from '../core/protocol';
import { loadGrant, saveGrant } from '../room/grant';
import { describeMediaError } from '../room/mediaCore';

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

function card(...children: (Node | null)[]): HTMLElement {
  return h('div', { class: 'auth-wrap join-wrap' },
    h('div', { class: 'auth-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'), 'Onsite'),
    h('section', { class: 'card join-card' }, ...children));
}

export async function joinPage(ctx: PageContext): Promise<View> {
  const code = ctx.params['code'] ?? '';
  let info: JoinInfo;
  try {
    info = await http.get<JoinInfo>(`/api/join/${encodeURIComponent(code)}`);
  } catch (error) {
    const text = error instanceof ApiError && error.status === 404
      ? 'This invitation link is not valid. Check the link in your e-mail, or ask your interviewer for a new one.'
      : errorText(error);
    return { title: 'Join', chrome: 'bare', el: card(h('h1', null, 'Cannot join'), h('p', { class: 'alert alert-error', role: 'alert' }, text)) };
  }
  if (!info.can_join) {
    const why = info.reason ?? (info.status === 'completed' ? 'This interview has ended.' : info.status === 'cancelled' ? 'This interview was cancelled.' : 'This room is closed.');
    return {
      title: info.title,
      chrome: 'bare',
      el: card(h('h1', null, info.title), h('p', { class: 'alert alert-error', role: 'alert' }, why)),
    };
  }

  const alert = alertBox();
  // This browser joined before: the same person comes back as the same participant (the
  // server keeps the id of the previous token), with the name they used filled in.
  const remembered = loadGrant(localStorage, info.interview_id);
  const name = h('input', { type: 'text', required: true, maxlength: limit('name_max_chars', 40), autocomplete: 'name', name: 'name', value: remembered?.name ?? '' });
  const preview = h('video', { autoplay: true, playsinline: true, class: 'preview', 'aria-label': 'Camera preview' });
  preview.muted = true;
  const meter = h('meter', { min: 0, max: 1, value: 0, class: 'mic-meter', 'aria-label': 'Microphone level' });
  const mediaNote = h('p', { class: 'media-notice', role: 'status' }, 'Checking your camera and microphone…');
  const camToggle = h('input', { type: 'checkbox', checked: true, id: 'join-cam' });
  const micToggle = h('input', { type: 'checkbox', checked: true, id: 'join-mic' });
  let stream: MediaStream | null = null;
  let audioContext: AudioContext | null = null;
  let meterFrame = 0;

  const stopPreview = (): void => {
    cancelAnimationFrame(meterFrame);
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = null;
    void audioContext?.close().catch(() => undefined);
    audioContext = null;
  };

  const startPreview = async (): Promise<void> => {
    if (!navigator.mediaDevices?.getUserMedia) {
      mediaNote.textContent = describeMediaError({ name: 'TypeError' });
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
      preview.srcObject = stream;
      mediaNote.textContent = 'Camera and microphone are working.';
      mediaNote.className = 'media-notice ok';
      try {
        audioContext = new AudioContext();
        const analyser = audioContext.createAnalyser();
        analyser.fftSize = 256;
        audioContext.createMediaStreamSource(stream).connect(analyser);
        const data = new Uint8Array(analyser.frequencyBinCount);
        const tick = (): void => {
          analyser.getByteTimeDomainData(data);
          let peak = 0;
          for (const v of data) peak = Math.max(peak, Math.abs(v - 128) / 128);
          meter.value = peak;
          meterFrame = requestAnimationFrame(tick);
        };
        tick();
      } catch {
        meter.hidden = true;
      }
    } catch (error) {
      mediaNote.textContent = describeMediaError(error);
      mediaNote.className = 'media-notice warn';
      meter.hidden = true;
      preview.classList.add('no-camera');
      camToggle.checked = false;
      micToggle.checked = false;
    }
  };
  camToggle.addEventListener('change', () => {
    for (const t of stream?.getVideoTracks() ?? []) t.enabled = camToggle.checked;
  });
  micToggle.addEventListener('change', () => {
    for (const t of stream?.getAudioTracks() ?? []) t.enabled = micToggle.checked;
  });

  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Join interview');
  const form = h('form', { class: 'stack' }, alert.el, field('Your name', name, 'Shown to the interviewer and next to your cursor.'),
    h('div', { class: 'check-row' },
      h('label', { class: 'check' }, camToggle, ' Camera on'),
      h('label', { class: 'check' }, micToggle, ' Microphone on')),
    h('p', { class: 'muted small recorded-notice' },
      'What is recorded: the code as you type it, the runs and the chat. The interviewer also sees when you paste into the editor (how many characters) and when you leave the editor or switch tabs, and for how long.'),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const display = name.value.trim();
    if (!display) {
      alert.show('Enter the name you want the interviewer to see.');
      name.focus();
      return;
    }
    submit.disabled = true;
    const body = remembered ? { name: display, previous_token: remembered.token } : { name: display };
    http.post<JoinGrant>(`/api/join/${encodeURIComponent(code)}`, body)
      .then((grant) => {
        const stored = {
          token: grant.token,
          interview_id: grant.interview_id,
          participant_id: grant.participant_id,
          name: display,
          audio: micToggle.checked,
          video: camToggle.checked,
        };
        // The tab's pass (sessionStorage: this tab is the candidate's) and the browser's memory
        // of it (localStorage: only the join page reads it, to come back as the same person).
        saveGrant(sessionStorage, stored);
        saveGrant(localStorage, stored);
        stopPreview();
        ctx.navigate(`/rooms/${grant.interview_id}`);
      })
      .catch((error: unknown) => {
        alert.show(errorText(error));
        submit.disabled = false;
      });
  });

  void startPreview();
  const el = card(
    h('p', { class: 'eyebrow' }, 'You are invited to'),
    h('h1', null, info.title),
    h('p', { class: 'muted' }, `with ${info.interviewer_name}`),
    remembered ? h('p', { class: 'join-back', role: 'status' }, `Welcome back. You joined from this browser as ${remembered.name}; you will rejoin as the same person.`) : null,
    h('div', { class: 'join-grid' },
      h('div', { class: 'preview-box' }, preview, meter, mediaNote),
      form),
  );
  return { title: `Join ${info.title}`, chrome: 'bare', el, dispose: stopPreview };
}
