/**
 * The live room. Composes the transports (one RoomSocket, one PeerLink per peer) with the shared
 * editor, the run panel, chat, notes and video. Everything shared lives on the server: this page
 * only renders what the room says and sends what the person does.
 */
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

import { type PageContext, requireUser, type View } from '../app';
import { ApiError, defaultLanguage, http, type Interview, type Language, type User } from '../core/api';
import { confirmDialog } from '../core/dialog';
import { h, replaceChildren } from '../core/dom';
import { languageLabel } from '../core/languageLabel';
import { renderMarkdown } from '../core/markdown';
import { CODE_DOC, EV, limit, NOTES_DOC } from '../core/protocol';
import type { ChatMessage } from '../room/chatCore';
import { BoardPane } from '../room/boardPane';
import { ChatPanel } from '../room/chatPanel';
import { type CollabEditor, createCollabEditor } from '../room/collab';
import { flashCursorNames } from '../room/cursorNames';
import { sharedEditorPane } from '../room/editorPane';
import { dropGrant, loadGrant } from '../room/grant';
import { type InvitePanel, invitePanel } from '../room/invitePanel';
import { ActivityMarks, reportActivity } from '../room/activity';
import { type ActivityMark, type RoomQuestion, setCurrentQuestion, starterOf, type TestsFinished } from '../room/questionCore';
import { guidePanel, type QuestionChoice, QuestionPane } from '../room/questionPanel';
import { type LobbyInfo, LobbyScreen } from '../room/lobby';
import { MEDIA_FIELD, type Participant, peersToLink, readMediaState } from '../room/mediaCore';
import type { SignalKind } from '../room/peer';
import { PresenceNotices, type PresenceState, presenceLabel } from '../room/presenceCore';
import { type RunFinishedInfo, RunPanel, type RunStartedInfo } from '../room/runPanel';
import { bindTextarea } from '../room/sharedInput';
import { type RoomAuth, RoomSocket } from '../room/socket';
import { catalogueStarters, firstStarter, loadedQuestionStarters } from '../room/starters';
import { colourFor, lighten, shouldReplaceCode } from '../room/stubs';
import { sideTabs, type TabSpec } from '../room/sideTabs';
import type { TerminalOutput, TerminalStarted, TerminalState } from '../room/terminalCore';
import { TerminalPane } from '../room/terminalPane';
import { VideoCall } from '../room/video';
import { YSocketSync } from '../room/ysync';

interface Welcome {
  protocol_version: number;
  interview_id: string;
  title: string;
  self: Participant;
  participants: Participant[];
  chat: ChatMessage[];
  settings: RoomSettings;
  ice_servers: RTCIceServer[];
  ice_transport_policy?: RTCIceTransportPolicy;
  read_only: boolean;
  run_in_flight: RunStartedInfo | null;
  last_run?: RunFinishedInfo | null;
  question?: RoomQuestion | null;
  questions?: { question_id: string; title: string }[];
  last_test_run?: TestsFinished | null;
}

interface RoomSettings {
  candidate_can_run?: boolean;
  board_locked?: boolean;
  relay_only?: boolean;
}

interface RoomError {
  code: string;
  message: string;
  event?: string | null;
}

/** Server messages are lower-case clauses ("the interview is completed"); show them as sentences. */
function sentence(text: string): string {
  const t = text.trim();
  if (!t) return 'Something went wrong.';
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export async function roomPage(ctx: PageContext): Promise<View> {
  const interviewId = ctx.params['id'] ?? '';
  const grant = loadGrant(sessionStorage, interviewId);
  let user: User | null = null;
  let record: Interview | null = null;
  if (!grant) {
    user = await requireUser(ctx);
    try {
      record = await http.get<Interview>(`/api/interviews/${encodeURIComponent(interviewId)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        return {
          title: 'Room not found',
          chrome: 'app',
          el: h('div', { class: 'card narrow' }, h('h1', null, 'Room not found'),
            h('p', null, 'This interview does not exist or belongs to someone else.'), h('a', { href: '/' }, 'Back to interviews')),
        };
      }
      throw error;
    }
  }
  const languages = await http.get<Language[]>('/api/languages').catch(() => [] as Language[]);
  return buildRoom(ctx, { interviewId, grant, user, record, languages });
}

interface RoomSetup {
  interviewId: string;
  grant: ReturnType<typeof loadGrant>;
  user: User | null;
  record: Interview | null;
  languages: Language[];
}

function buildRoom(ctx: PageContext, setup: RoomSetup): View {
  const { interviewId, grant, user, record, languages } = setup;
  const isInterviewer = grant === null;
  const selfName = grant?.name ?? user?.name ?? 'Interviewer';
  const disposers: (() => void)[] = [];

  // ---- shared documents ---------------------------------------------------------------------
  const doc = new Y.Doc();
  const code = doc.getText(CODE_DOC.text);
  const meta = doc.getMap<string>(CODE_DOC.meta_map ?? 'meta');
  const awareness = new Awareness(doc);
  const colour = colourFor(grant?.participant_id ?? user?.id ?? selfName);
  awareness.setLocalStateField('user', { name: selfName, color: colour, colorLight: lighten(colour) });
  const notesDoc = isInterviewer ? new Y.Doc() : null;

  const auth: RoomAuth = grant ? { token: grant.token } : { interview_id: interviewId };
  const socket = new RoomSocket(auth, interviewId);
  const codeSync = new YSocketSync(doc, { send: (m) => socket.connected && socket.emit(EV.syncMessage, m) }, awareness);
  const notesSync = notesDoc
    ? new YSocketSync(notesDoc, { send: (m) => socket.connected && socket.emit(EV.notesMessage, m) }, null)
    : null;

  // ---- header -------------------------------------------------------------------------------
  const titleEl = h('h1', { class: 'room-title' }, record?.title ?? 'Interview');
  const connection = h('span', { class: 'conn conn-connecting', role: 'status' }, 'Connecting…');
  const people = h('ul', { class: 'people', 'aria-label': 'People in the room' });
  const banner = h('div', { class: 'room-banner', role: 'status', hidden: true });
  const toast = h('div', { class: 'toast', role: 'alert', hidden: true });
  // Room news ("Ivy left the room"): a polite status line, not an alert.
  const notice = h('div', { class: 'room-notice', role: 'status', 'aria-live': 'polite', hidden: true });
  let noticeTimer = 0;
  const showNotice = (text: string): void => {
    notice.textContent = text;
    notice.hidden = false;
    window.clearTimeout(noticeTimer);
    noticeTimer = window.setTimeout(() => { notice.hidden = true; }, 5000);
  };
  disposers.push(() => window.clearTimeout(noticeTimer));
  let toastTimer = 0;
  const showToast = (text: string): void => {
    toast.textContent = text;
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => { toast.hidden = true; }, 6000);
  };

  const endArea = h('div', { class: 'end-area' });
  if (isInterviewer) {
    endArea.appendChild(h('button', {
      type: 'button',
      class: 'btn btn-danger',
      onclick: async () => {
        const sure = await confirmDialog({
          title: 'End the interview for everyone?',
          body: 'The code becomes read-only, the candidate’s link stops working and the record is completed. This cannot be undone.',
          confirm: 'Confirm end',
        });
        if (sure && !ended) socket.emit(EV.roomEnd, {});
      },
    }, 'End interview'));
  }

  const header = h('header', { class: 'room-head' },
    h('div', { class: 'room-id' },
      isInterviewer ? h('a', { href: '/', class: 'brand small-brand', 'aria-label': 'Back to interviews' }, '◆') : h('span', { class: 'brand small-brand', 'aria-hidden': 'true' }, '◆'),
      titleEl, connection),
    notice,
    people,
    endArea);

  // ---- editor and its toolbar ---------------------------------------------------------------
  const languageName = (id: string): string => languageLabel(languages, id);
  const runPanel = new RunPanel(() => {
    try {
      // The server runs with the room's shared input box (part of the code document).
      socket.emit(EV.runStart, {});
    } catch (error) {
      runPanel.failed(error instanceof Error ? error.message : 'Could not start the run.');
    }
  }, limit('stdin_max_chars', 65536), languageName);
  disposers.push(bindTextarea(runPanel.stdin, doc.getText(CODE_DOC.stdin_text ?? 'stdin')));
  const pane = sharedEditorPane({
    doc,
    code,
    meta,
    awareness,
    languages,
    fallbackLanguage: record?.language ?? defaultLanguage(languages)?.id ?? '',
    footer: runPanel.el,
    onRunKey: () => runPanel.requestRun(),
    // The loaded question's starter for the new language first, else the catalogue's.
    starters: firstStarter(loadedQuestionStarters(languages), catalogueStarters(languages)),
  });
  const applyLanguage = pane.applyLanguage;
  disposers.push(() => pane.destroy());
  const editorPane = pane.el;

  // ---- the question: prompt beside the editor, tests, guide, activity ----------------------
  const questionChoices = async (): Promise<QuestionChoice[]> => {
    const id = encodeURIComponent(interviewId);
    const [picked, bank] = await Promise.all([
      http.get<{ items: { question_id: string; title: string }[] }>(`/api/interviews/${id}/questions`).catch(() => ({ items: [] })),
      http.get<{ items: { id: string; title: string }[] }>('/api/questions?per_page=100').catch(() => ({ items: [] })),
    ]);
    const seen = new Set<string>();
    const choices: QuestionChoice[] = [];
    for (const q of picked.items) { seen.add(q.question_id); choices.push({ id: q.question_id, title: `${q.title} (this interview)` }); }
    for (const q of bank.items) if (!seen.has(q.id)) choices.push({ id: q.id, title: q.title });
    return choices;
  };
  const questionPane = new QuestionPane({
    isInterviewer,
    onRunTests: () => {
      try {
        socket.emit(EV.testsRun, {});
      } catch (error) {
        questionPane.failed(error instanceof Error ? error.message : 'Could not run the tests.');
      }
    },
    onLoad: (questionId) => socket.emit(EV.questionLoad, { question_id: questionId }),
    choices: isInterviewer ? questionChoices : undefined,
  });
  questionPane.el.hidden = !isInterviewer;
  const guide = isInterviewer ? guidePanel() : null;
  const activityMarks = isInterviewer ? new ActivityMarks() : null;
  const showQuestion = (question: RoomQuestion | null): void => {
    setCurrentQuestion(question);
    questionPane.show(question);
    guide?.show(question);
    if (question) questionPane.el.hidden = false;
  };
  /** The one who loaded the question puts its starter in the editor, asking before replacing typed code. */
  const offerStarter = async (question: RoomQuestion): Promise<void> => {
    const language = meta.get('language') ?? '';
    const starter = starterOf(question, language);
    if (starter === null || ended) return;
    const current = code.toString();
    if (current === starter) return;
    const stubs = languages.map((l) => l.stub);
    if (!shouldReplaceCode(current, stubs)) {
      const sure = await confirmDialog({
        title: `Replace the code with the starter of “${question.title}”?`,
        body: 'The editor holds code someone typed. The starter replaces it for everyone (the playback keeps the old code).',
        confirm: 'Replace the code',
      });
      if (!sure) return;
    }
    doc.transact(() => {
      code.delete(0, code.length);
      code.insert(0, starter);
    });
  };
  if (!isInterviewer) {
    disposers.push(reportActivity(pane.editor.view.dom, (kind, chars) => {
      if (!socket.connected || ended) return;
      try {
        socket.emit(EV.activityReport, chars === undefined ? { kind } : { kind, chars });
      } catch (error) {
        console.warn('activity not reported', error);
      }
    }));
  }

  // ---- side panels: chat, notes, invite -----------------------------------------------------
  let selfId = grant?.participant_id ?? '';
  const chat = new ChatPanel((text) => {
    // Sent while disconnected, socket.io would hold it and maybe never deliver: keep it instead.
    if (!socket.connected || ended) return false;
    try {
      socket.emit(EV.chatSend, { text });
      return true;
    } catch (error) {
      showToast(error instanceof Error ? error.message : 'Could not send the message.');
      return false;
    }
  }, limit('chat_max_chars', 2000));
  const terminal = new TerminalPane({
    role: isInterviewer ? 'interviewer' : 'candidate',
    maxInputChars: 4096,
    language: () => meta.get('language') ?? record?.language ?? defaultLanguage(languages)?.id ?? '',
    send: (kind, payload) => {
      try {
        if (kind === 'start') socket.emit(EV.terminalStart, payload);
        else if (kind === 'input') socket.emit(EV.terminalInput, payload);
        else if (kind === 'interrupt') socket.emit(EV.terminalControl, { action: 'interrupt' });
        else socket.emit(EV.terminalKeyboard, payload);
      } catch (error) {
        terminal.failed(error instanceof Error ? error.message : 'The room is not connected.');
      }
    },
  });
  disposers.push(() => terminal.dispose());
  const tabs: TabSpec[] = [
    { id: 'chat', label: 'Chat', panel: chat.el, badge: chat.badge, onShow: (on) => chat.setVisible(on) },
    { id: 'terminal', label: 'Terminal', panel: terminal.el, onShow: (on) => terminal.setVisible(on) },
  ];
  let notesEditor: CollabEditor | null = null;
  let invite: InvitePanel | null = null;
  if (notesDoc) {
    const notesHost = h('div', { class: 'notes-host' });
    const notesText = notesDoc.getText(NOTES_DOC.text);
    const notes = createCollabEditor({
      parent: notesHost,
      text: notesText,
      awareness: null,
      language: 'plain',
      readOnly: false,
      theme: 'light',
      fontSize: 15,
      label: 'Private notes',
      prose: true,
      placeholder: 'Write as you go. Markdown works: **bold**, - lists, # headings.',
    });
    notesEditor = notes;
    disposers.push(() => notes.destroy());
    // Markdown preview: rendered by our own escaping renderer, so raw HTML shows as text.
    const preview = h('div', { class: 'notes-preview', 'aria-label': 'Notes preview', tabindex: 0, hidden: true });
    const renderPreview = (): void => {
      preview.innerHTML = notesText.length ? renderMarkdown(notesText.toString()) : '<p class="muted">Nothing written yet.</p>';
    };
    const previewToggle = h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': 'false' }, 'Preview');
    previewToggle.addEventListener('click', () => {
      const on = preview.hidden;
      if (on) renderPreview();
      preview.hidden = !on;
      notesHost.hidden = on;
      previewToggle.textContent = on ? 'Edit' : 'Preview';
      previewToggle.setAttribute('aria-pressed', String(on));
      if (!on) notes.view.focus();
    });
    const onNotesChange = (): void => { if (!preview.hidden) renderPreview(); };
    notesText.observe(onNotesChange);
    disposers.push(() => notesText.unobserve(onNotesChange));
    invite = invitePanel({
      interviewId,
      joinUrl: record?.join_url ?? '',
      onCandidateCanRun: (allowed) => socket.emit(EV.runPermission, { candidate_can_run: allowed }),
      onRelayOnly: (relayOnly) => socket.emit(EV.videoRelay, { relay_only: relayOnly }),
    });
    tabs.push(
      {
        id: 'notes',
        label: 'Notes',
        panel: h('div', { class: 'notes' },
          h('div', { class: 'notes-head' },
            h('p', { class: 'muted small' }, 'Only you see these notes. They are saved with the record.'), previewToggle),
          notesHost, preview),
      },
      { id: 'invite', label: 'Invite', panel: invite.el },
    );
    if (guide) tabs.push({ id: 'guide', label: 'Guide', panel: guide.el });
    if (activityMarks) tabs.push({ id: 'activity', label: 'Activity', panel: activityMarks.el });
  }
  const { tabList, panels: tabPanels, select: selectTab } = sideTabs(tabs, 'chat');

  // ---- video --------------------------------------------------------------------------------
  let video: VideoCall | null = null;
  const videoHost = h('div', { class: 'video-host' });
  const participants = new Map<string, Participant>();
  const nameOf = (id: string): string => participants.get(id)?.name ?? 'Guest';
  // An interviewer alone in the room is shown where the join link is.
  const loneText = h('p');
  const loneHint = h('div', { class: 'lone-hint', role: 'status', hidden: true },
    loneText,
    isInterviewer ? h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: () => selectTab('invite', true) }, 'Open the Invite tab') : null);
  let waitingCount = 0;
  const renderLoneHint = (): void => {
    const others = [...participants.values()].filter((p) => p.participant_id !== selfId);
    const present = others.some((p) => p.connected !== false);
    // Someone knocking is not "alone": the lobby bar above says who and offers to admit them.
    loneHint.hidden = !isInterviewer || ended || !socket.connected || present || waitingCount > 0;
    // Someone was here and went: say so, rather than "send the link" as if nobody had come.
    const left = others.filter((p) => p.role === 'candidate').map((p) => p.name);
    replaceChildren(loneText, left.length
      ? [h('strong', null, `${left.join(', ')} left. `), 'The same join link brings them back as the same person.']
      : [h('strong', null, 'You are the only one here. '), 'Send the candidate the join link to start.']);
  };
  // Comings and goings: one chip per person (the server keeps one participant per person),
  // marked while they are away and once they have left; the others are told in the chat.
  const goneIds = new Set<string>();
  const stateOf = (p: Participant): PresenceState => (p.connected !== false ? 'here' : goneIds.has(p.participant_id) ? 'gone' : 'away');
  const renderPeople = (): void => {
    renderLoneHint();
    replaceChildren(people, [...participants.values()].map((p) => {
      const state = stateOf(p);
      const label = presenceLabel(state);
      return h('li', { class: `person person-${state}${state !== 'here' ? ' away' : ''}`, title: `${p.name} (${p.role})${label ? `, ${label}` : ''}`, 'data-presence': state },
        h('span', { class: 'dot', style: `background:${p.colour ?? p.color ?? colourFor(p.participant_id)}`, 'aria-hidden': 'true' }),
        p.name, p.participant_id === selfId ? ' (you)' : '',
        label ? h('span', { class: 'person-state' }, ` · ${label}`) : null,
        h('span', { class: 'sr-only' }, `, ${p.role}`));
    }));
  };
  const presence = new PresenceNotices({
    settleMs: 3000,
    announce: (text, id, kind) => {
      if (kind === 'left') goneIds.add(id);
      else goneIds.delete(id);
      chat.notice(text);
      showNotice(text);
      renderPeople();
    },
    schedule: (fn, ms) => window.setTimeout(fn, ms),
    cancel: (handle) => window.clearTimeout(handle),
  });
  disposers.push(() => presence.dispose());

  const side = h('aside', { class: 'room-side', 'aria-label': 'Video and conversation' }, videoHost, loneHint, tabList, tabPanels);
  // A shared screen takes the stage above the code; the cameras stay small in the side column.
  const stageHost = h('div', { class: 'stage-host' });
  const work = h('div', { class: 'room-work' }, questionPane.el, editorPane);
  // The code and the whiteboard share the main column, as two tabs.
  const board = new BoardPane({
    isInterviewer,
    send: (m) => { if (socket.connected) socket.emit(EV.boardMessage, m); },
    onLock: (locked) => socket.emit(EV.boardLock, { locked }),
  });
  disposers.push(() => board.dispose());
  const mainTabs = sideTabs([
    { id: 'code', label: 'Code', panel: work },
    { id: 'board', label: 'Whiteboard', panel: board.el, onShow: (on) => { if (on) void board.show(); } },
  ], 'code', { label: 'Code and whiteboard', listClass: 'tabs main-tabs', panelsClass: 'main-panels' });
  const main = h('div', { class: 'room-main' }, stageHost, mainTabs.tabList, mainTabs.panels);
  const body = h('div', { class: 'room-body' }, main, side);
  const closing = h('div', { class: 'closing-host' });
  // The candidate's waiting room, until the room lets them in.
  const lobby = isInterviewer ? null : new LobbyScreen({ audio: grant?.audio ?? true, video: grant?.video ?? true });
  if (lobby) {
    closing.appendChild(lobby.el);
    disposers.push(() => lobby.dispose());
  }
  // The interviewer's side of it: who is waiting, and a button to let them in.
  const lobbyBar = h('div', { class: 'lobby-bar', role: 'status', 'aria-live': 'polite', hidden: true });
  const layout = h('div', { class: `room ${isInterviewer ? 'as-interviewer' : 'as-candidate'}` }, header, banner, lobbyBar, body, closing, toast);
  disposers.push(flashCursorNames(pane.editor.view, awareness, code));

  // Our camera and screen travel in the awareness state; the others' arrive the same way.
  const mediaOwners = new Map<number, string>();
  const onAwarenessChange = (): void => {
    const present = new Set<number>();
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === awareness.clientID) continue;
      const media = readMediaState(state);
      if (!media) continue;
      present.add(clientId);
      mediaOwners.set(clientId, media.pid);
      if (media.pid !== selfId) video?.setPeerMedia(media.pid, media);
    }
    for (const [clientId, pid] of [...mediaOwners]) {
      if (present.has(clientId)) continue;
      mediaOwners.delete(clientId);
      if (![...mediaOwners.values()].includes(pid)) video?.setPeerMedia(pid, null);
    }
  };
  awareness.on('change', onAwarenessChange);
  disposers.push(() => awareness.off('change', onAwarenessChange));

  // ---- room events --------------------------------------------------------------------------
  let ended = false;
  let candidateCanRun = true;
  let seeded = false;
  let autoLoaded = false;
  const applyRunPermission = (): void => {
    terminal.setAllowed(!ended && (isInterviewer || candidateCanRun));
    if (ended) runPanel.setAllowed(false, 'The interview has ended.');
    else if (!isInterviewer && !candidateCanRun) runPanel.setAllowed(false, 'The interviewer has turned off running code for now.');
    else runPanel.setAllowed(true, '');
    questionPane.setAllowed(!ended && (isInterviewer || candidateCanRun));
  };

  socket.on('connect', () => {
    connection.textContent = 'Connected';
    connection.className = 'conn conn-ok';
    renderLoneHint();
  });
  socket.on('disconnect', () => {
    if (ended) return; // hung up on purpose: the badge says the interview ended
    renderLoneHint();
    connection.textContent = 'Reconnecting…';
    connection.className = 'conn conn-connecting';
    // The peers will see us leave and come back: their new connections replace these.
    video?.removeAllPeers();
  });
  let refreshedOnce = false;
  socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
    if (ended) return;
    const code = err.data?.code;
    if (!code) {
      // Network trouble, not a refusal: socket.io keeps retrying by itself.
      connection.textContent = 'Reconnecting…';
      connection.className = 'conn conn-connecting';
      return;
    }
    connection.textContent = 'Not connected';
    connection.className = 'conn conn-bad';
    if (code === 'unauthorized' && isInterviewer && !refreshedOnce) {
      // The access cookie may have expired while the tab was open: refresh once and retry.
      refreshedOnce = true;
      http.post('/api/auth/refresh').then(() => socket.reconnect()).catch(() => ctx.navigate('/login', true));
      return;
    }
    if (code === 'interview_ended') {
      markEnded();
      return;
    }
    if (!isInterviewer && code !== 'internal_error') dropGrant(sessionStorage, interviewId);
    banner.hidden = false;
    banner.className = 'room-banner banner-error';
    replaceChildren(banner, sentence(err.data?.message ?? err.message),
      code === 'internal_error'
        ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => socket.reconnect() }, 'Try again')
        : null);
  });

  socket.on(EV.roomLobby, (info: LobbyInfo) => {
    if (!lobby || ended) return;
    lobby.show(info);
    layout.classList.add('closed');
    header.inert = true;
    body.inert = true;
    connection.textContent = 'Waiting room';
    connection.className = 'conn conn-connecting';
  });
  socket.on(EV.lobbyWaiting, ({ waiting }: { waiting: Participant[] }) => {
    if (!isInterviewer) return;
    waitingCount = waiting.length;
    renderLoneHint();
    lobbyBar.hidden = waiting.length === 0 || ended;
    replaceChildren(lobbyBar, waiting.map((p) =>
      h('div', { class: 'lobby-knock' },
        h('span', null, h('strong', null, p.name), ' is waiting in the lobby.'),
        h('button', {
          type: 'button',
          class: 'btn btn-small btn-primary',
          onclick: (event: Event) => {
            (event.currentTarget as HTMLButtonElement).disabled = true;
            socket.emit(EV.lobbyAdmit, { participant_id: p.participant_id });
          },
        }, `Admit ${p.name}`))));
  });

  socket.on(EV.welcome, (w: Welcome) => {
    if (lobby?.visible) {
      // Let in: the lobby goes, the room opens (and the call takes the camera).
      lobby.hide();
      layout.classList.remove('closed');
      header.inert = false;
      body.inert = false;
      connection.textContent = 'Connected';
      connection.className = 'conn conn-ok';
    }
    // The room knows us now: ask for what we lack (also after every reconnect).
    codeSync.start();
    board.start();
    notesSync?.start();
    selfId = w.self.participant_id;
    titleEl.textContent = w.title;
    participants.clear();
    goneIds.clear();
    for (const p of w.participants) participants.set(p.participant_id, p);
    participants.set(w.self.participant_id, { ...w.self, connected: true });
    presence.reset(participants.keys());
    renderPeople();
    const selfColour = w.self.colour ?? w.self.color;
    if (selfColour) awareness.setLocalStateField('user', { name: w.self.name, color: selfColour, colorLight: lighten(selfColour) });
    chat.setSelf(selfId);
    for (const m of w.chat) chat.add(m);
    installationRelay = w.ice_transport_policy === 'relay' && w.settings.relay_only !== true;
    applySettings(w.settings);
    if (w.read_only) markEnded();
    else void codeSync.whenSynced().then(() => { if (!ended) { pane.setEditable(true); runPanel.setInputEditable(true); } });
    applyRunPermission();
    if (w.last_run) runPanel.finished(w.last_run);
    if (w.run_in_flight) runPanel.started(w.run_in_flight);
    showQuestion(w.question ?? null);
    // Questions picked when scheduling: the interviewer's first visit loads the first one.
    const first = w.questions?.[0];
    if (isInterviewer && !w.question && first && !w.read_only && !autoLoaded) {
      autoLoaded = true;
      void codeSync.whenSynced().then(() => socket.emit(EV.questionLoad, { question_id: first.question_id }));
    }
    if (w.last_test_run) questionPane.finished(w.last_test_run);
    if (!video && !w.read_only) {
      video = new VideoCall({
        selfId,
        selfName,
        iceServers: w.ice_servers,
        iceTransportPolicy: w.ice_transport_policy ?? 'all',
        want: { audio: grant?.audio ?? true, video: grant?.video ?? true },
        onLocalMedia: (media) => awareness.setLocalStateField(MEDIA_FIELD, { pid: selfId, ...media }),
        onStage: (active) => body.classList.toggle('staged', active),
        sendSignal: (to, kind, data) => {
          if (!socket.connected) return;
          try {
            socket.emit(EV.signalSend, { to, kind, data });
          } catch (error) {
            console.warn('signal not sent', error);
          }
        },
      });
      replaceChildren(videoHost, video.el);
      replaceChildren(stageHost, video.stage);
      onAwarenessChange();
      void video.start();
    }
    for (const peerId of peersToLink(selfId, w.participants)) {
      if (!video?.hasPeer(peerId)) video?.addPeer(peerId, nameOf(peerId));
    }
    if (isInterviewer && !seeded) {
      seeded = true;
      void codeSync.whenSynced().then(() => seedDocument());
    }
  });

  /** The interviewer fills an empty room once: the record's language and its starter code. */
  const seedDocument = (): void => {
    if (ended) return;
    doc.transact(() => {
      if (!meta.get('language')) {
        const wanted = record?.language && languages.some((l) => l.id === record.language) ? record.language : defaultLanguage(languages)?.id;
        if (wanted) meta.set('language', wanted);
      }
      const lang = languages.find((l) => l.id === meta.get('language'));
      if (lang && code.length === 0) code.insert(0, lang.stub);
    });
    applyLanguage();
  };

  socket.on(EV.syncMessage, (data: unknown) => codeSync.receive(data));
  socket.on(EV.notesMessage, (data: unknown) => notesSync?.receive(data));
  socket.on(EV.boardMessage, (data: unknown) => board.receive(data));

  socket.on(EV.presenceJoined, ({ participant }: { participant: Participant }) => {
    participants.set(participant.participant_id, { ...participant, connected: true });
    if (participant.participant_id !== selfId) presence.joined(participant.participant_id, participant.name);
    renderPeople();
    // A join is always a fresh socket, so a fresh page or connection on their side: a link we
    // still hold (their old socket's 'away' not seen yet) is dead and must be replaced.
    if (participant.participant_id !== selfId && video) video.addPeer(participant.participant_id, participant.name);
  });
  socket.on(EV.presenceAway, ({ participant_id }: { participant_id: string }) => {
    const p = participants.get(participant_id);
    if (p) {
      participants.set(participant_id, { ...p, connected: false });
      presence.away(participant_id, p.name);
    }
    renderPeople();
    video?.removePeer(participant_id);
  });
  socket.on(EV.presenceLeft, ({ participant_id }: { participant_id: string }) => {
    // Shown as gone rather than dropped: the others see who was here and that they left.
    const p = participants.get(participant_id);
    if (p) {
      participants.set(participant_id, { ...p, connected: false });
      presence.left(participant_id, p.name);
    }
    renderPeople();
    video?.removePeer(participant_id);
  });

  socket.on(EV.signalMessage, (msg: { from: string; kind: SignalKind; data: unknown }) => {
    void video?.receiveSignal(msg.from, msg.kind, msg.data, nameOf);
  });

  socket.on(EV.languageChanged, (c: { language: string; changed_by: { participant_id?: string; name?: string } }) => {
    const who = c.changed_by.participant_id === selfId ? 'You' : c.changed_by.name ?? 'Someone';
    const text = `${who} changed the language to ${languageName(c.language)}`;
    chat.notice(text);
    showNotice(text);
  });
  socket.on(EV.chatMessage, (m: ChatMessage) => chat.add(m));
  socket.on(EV.runStarted, (info: RunStartedInfo) => runPanel.started(info));
  socket.on(EV.terminalState, (state: TerminalState) => terminal.state(state));
  socket.on(EV.terminalStarted, (info: TerminalStarted) => {
    terminal.started(info);
    selectTab('terminal');
  });
  socket.on(EV.terminalOutput, (chunk: TerminalOutput) => terminal.output(chunk));
  socket.on(EV.terminalFinished, (last: NonNullable<TerminalState['last']>) => terminal.finished(last));
  socket.on(EV.runFinished, (info: RunFinishedInfo) => runPanel.finished(info));
  socket.on(EV.questionLoaded, ({ question, loaded_by }: { question: RoomQuestion; loaded_by: { participant_id: string } }) => {
    showQuestion(question);
    if (loaded_by.participant_id === selfId) void offerStarter(question);
  });
  socket.on(EV.testsStarted, (info: { started_by: { name?: string } | null }) => questionPane.started(info.started_by?.name ?? 'someone'));
  socket.on(EV.testsFinished, (info: TestsFinished) => questionPane.finished(info));
  socket.on(EV.activityMark, (mark: ActivityMark) => activityMarks?.add(mark));
  /** The installation relays every call ([turn] relay_only); the room can only add to it. */
  let installationRelay = false;
  let roomRelay = false;
  function applySettings(s: RoomSettings): void {
    candidateCanRun = s.candidate_can_run !== false;
    invite?.setCandidateCanRun(candidateCanRun);
    board.setLocked(s.board_locked === true);
    roomRelay = s.relay_only === true;
    invite?.setRelayOnly(roomRelay || installationRelay);
    video?.setTransportPolicy(roomRelay || installationRelay ? 'relay' : 'all');
    applyRunPermission();
  }
  socket.on(EV.roomSettings, (s: RoomSettings) => applySettings(s));

  /**
   * The interview is over (the room said so, or refused us because of it). Everything stops
   * here: the editor, runs, chat and the call. The candidate's connection hangs up for good (the
   * server refuses their token from now on) and they get a closing screen.
   */
  const markEnded = (): void => {
    if (ended) return;
    ended = true;
    lobbyBar.hidden = true;
    lobby?.hide();
    pane.setEditable(false);
    board.setEnded();
    // The room refuses updates once ended: notes continue on the record page.
    notesEditor?.setReadOnly(true);
    applyRunPermission();
    runPanel.close('The interview has ended.');
    chat.setEnabled(false, 'The interview has ended; chat is closed.');
    banner.hidden = false;
    banner.className = 'room-banner banner-ended';
    replaceChildren(banner, 'This interview has ended. The code is now read-only.',
      isInterviewer ? h('a', { href: `/interviews/${interviewId}`, class: 'btn btn-small' }, 'View the record') : null);
    replaceChildren(endArea);
    connection.textContent = 'Interview ended';
    connection.className = 'conn conn-ended';
    renderLoneHint();
    // Everyone hangs up at once, and the candidates are already gone: no goodbyes to send.
    video?.dispose(false);
    video = null;
    replaceChildren(videoHost);
    replaceChildren(stageHost);
    body.classList.remove('staged');
    if (!isInterviewer) {
      socket.stop();
      dropGrant(localStorage, interviewId); // over: the join page has no one to bring back
      showClosingScreen();
    }
  };

  /** The candidate's last screen: thanks, and what happens next. The room stays behind it, inert. */
  const showClosingScreen = (): void => {
    const interviewer = [...participants.values()].find((p) => p.role === 'interviewer')?.name;
    const first = selfName.trim().split(/\s+/)[0] ?? '';
    const screen = h('div', { class: 'closing', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'closing-title' },
      h('div', { class: 'closing-card card' },
        h('p', { class: 'closing-mark', 'aria-hidden': 'true' }, '✓'),
        h('h1', { id: 'closing-title', tabindex: -1 }, first ? `Thank you, ${first}` : 'Thank you'),
        h('p', { class: 'closing-lead' }, 'The interview has ended. Your code, the runs and the chat are saved with it.'),
        h('h2', null, 'What happens next'),
        h('ul', { class: 'closing-steps' },
          h('li', null, `${interviewer ?? 'Your interviewer'} reviews the session with the team.`),
          h('li', null, 'You will hear back by email about the next steps.'),
          h('li', null, 'Your camera and microphone are off, and this link no longer works. You can close this tab.')),
        h('button', {
          type: 'button',
          class: 'btn',
          onclick: () => {
            replaceChildren(closing);
            layout.classList.remove('closed');
            header.inert = false;
            body.inert = false;
          },
        }, 'See the final code')));
    replaceChildren(closing, screen);
    layout.classList.add('closed');
    header.inert = true;
    body.inert = true;
    screen.querySelector<HTMLElement>('h1')?.focus();
  };
  socket.on(EV.roomEnded, () => markEnded());

  socket.on(EV.error, (e: RoomError) => {
    if (e.event === EV.runStart) runPanel.failed(sentence(e.message));
    if (e.event?.startsWith('terminal:')) terminal.failed(sentence(e.message));
    if (e.event === EV.testsRun) questionPane.failed(sentence(e.message));
    if (e.event === EV.boardMessage) board.refused(e.code);
    if (e.event === EV.videoRelay) invite?.setRelayOnly(roomRelay || installationRelay);
    if (e.code === 'link_rotated' && !isInterviewer) {
      // Our token came from a link the interviewer replaced: the room will not take it again.
      dropGrant(sessionStorage, interviewId);
      socket.stop();
      connection.textContent = 'Not connected';
      connection.className = 'conn conn-bad';
      banner.hidden = false;
      banner.className = 'room-banner banner-error';
      replaceChildren(banner, sentence(e.message));
    }
    showToast(sentence(e.message));
  });

  socket.connect();

  return {
    title: record?.title ?? 'Interview room',
    chrome: 'bare',
    el: layout,
    dispose: () => {
      window.clearTimeout(toastTimer);
      video?.dispose();
      codeSync.dispose();
      notesSync?.dispose();
      socket.dispose();
      for (const d of disposers) d();
      awareness.destroy();
      doc.destroy();
      notesDoc?.destroy();
      setCurrentQuestion(null);
    },
  };
}
