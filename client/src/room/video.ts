/**
 * The video strip: the local camera, one tile per peer, and the mute / camera / screen controls.
 * Each peer gets its own PeerLink; the local tracks are shared by all links, so muting or
 * switching to the screen applies to everyone at once.
 *
 * A shared screen goes on the stage (`stage`, placed by the page where there is room): large,
 * letterboxed, never mirrored, with a fullscreen button; the cameras stay as small tiles. Who
 * shares and whose camera is off reach the others as a MediaState (see mediaCore), which the page
 * carries in the awareness state: a tile whose camera is off shows the person's initials.
 */
import { h, replaceChildren } from '../core/dom';
import { describeMediaError, initials, isPolite, type MediaState, stageOwner } from './mediaCore';
import { opensLink } from './negotiation';
import { PeerLink, type SignalKind } from './peer';

const MEDIA_WAIT_MS = 8000;
const CONNECT_WATCHDOG_MS = 8000;
const MAX_RESTARTS = 3;

export interface VideoCallOptions {
  selfId: string;
  selfName: string;
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  want: { audio: boolean; video: boolean };
  sendSignal: (to: string, kind: SignalKind, data: unknown) => void;
  /** Our camera or screen changed: tell the others (the page puts it in the awareness state). */
  onLocalMedia?: (media: { camera: boolean; screen: boolean }) => void;
  /** The stage was filled or emptied (the page gives it room). */
  onStage?: (active: boolean) => void;
}

interface Tile {
  el: HTMLElement;
  video: HTMLVideoElement;
  caption: HTMLElement;
  state: HTMLElement;
}

function makeTile(name: string, local: boolean): Tile {
  const video = h('video', {
    autoplay: true,
    playsinline: true,
    class: local ? 'local' : 'remote',
    'aria-label': local ? 'Your camera' : `Video of ${name}`,
  });
  video.muted = local;
  const caption = h('span', { class: 'tile-name' }, local ? `${name} (you)` : name);
  const state = h('span', { class: 'tile-state' }, local ? '' : 'connecting…');
  const avatar = h('div', { class: 'tile-avatar', 'aria-hidden': 'true' },
    h('span', { class: 'tile-initials' }, initials(name)),
    h('span', { class: 'tile-presenting' }, 'Presenting'));
  const el = h('figure', { class: 'tile' }, video, avatar, h('figcaption', null, caption, state));
  return { el, video, caption, state };
}

export class VideoCall {
  readonly el: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly micButton: HTMLButtonElement;
  private readonly camButton: HTMLButtonElement;
  private readonly screenButton: HTMLButtonElement;
  private readonly localTile: Tile;
  private readonly links = new Map<string, { link: PeerLink; tile: Tile; name: string; stream: MediaStream | null }>();
  /** The others' camera and screen, by participant (kept across their reconnects). */
  private readonly peerMedia = new Map<string, MediaState>();
  readonly stage: HTMLElement;
  private readonly stageVideo: HTMLVideoElement;
  private readonly stageCaption: HTMLElement;
  private readonly fullscreenButton: HTMLButtonElement;
  private stageOf: string | null = null;
  private camera: MediaStream | null = null;
  private screen: MediaStreamTrack | null = null;
  private micOn: boolean;
  private camOn: boolean;
  private disposed = false;
  /**
   * Peer connections start once the local camera is settled (granted, refused, or slow): a link
   * made before the tracks exist must add them later by renegotiating, and that race lost the
   * video of one side now and then. A prompt left unanswered holds the links back at most
   * MEDIA_WAIT_MS; after that they start receive-only and the tracks join when they come.
   */
  private mediaSettled = false;
  private readonly settledWaiters: (() => void)[] = [];
  private readonly restarts = new Map<string, number>();
  private policy: RTCIceTransportPolicy;

  constructor(private readonly options: VideoCallOptions) {
    this.policy = options.iceTransportPolicy;
    this.micOn = options.want.audio;
    this.camOn = options.want.video;
    this.localTile = makeTile(options.selfName, true);
    this.grid = h('div', { class: 'video-grid' }, this.localTile.el);
    this.notice = h('p', { class: 'media-notice', role: 'status', hidden: true });
    this.micButton = h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.toggleMic() });
    this.camButton = h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.toggleCamera() });
    this.screenButton = h('button', {
      type: 'button',
      class: 'btn btn-small',
      onclick: () => void this.toggleScreen(),
    }, 'Share screen');
    if (!navigator.mediaDevices || !('getDisplayMedia' in navigator.mediaDevices)) this.screenButton.hidden = true;
    this.stageVideo = h('video', { autoplay: true, playsinline: true, class: 'stage-video', 'aria-label': 'Shared screen' });
    this.stageVideo.muted = true; // the sharer's sound plays from their tile
    this.stageCaption = h('span', { class: 'stage-caption' });
    this.fullscreenButton = h('button', {
      type: 'button',
      class: 'btn btn-small stage-fullscreen',
      onclick: () => void this.toggleFullscreen(),
    }, 'Fullscreen');
    this.stage = h('section', { class: 'stage', 'aria-label': 'Shared screen', hidden: true },
      this.stageVideo,
      h('div', { class: 'stage-bar' }, this.stageCaption, this.fullscreenButton));
    this.stage.addEventListener('dblclick', () => void this.toggleFullscreen());
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
    this.el = h(
      'section',
      { class: 'video', 'aria-label': 'Video' },
      this.grid,
      this.notice,
      h('div', { class: 'media-controls' }, this.micButton, this.camButton, this.screenButton),
    );
    this.renderButtons();
  }

  /** Opens the camera and microphone; a refusal is shown, and the call goes on receive-only. */
  async start(): Promise<void> {
    const timer = window.setTimeout(() => this.settle(), MEDIA_WAIT_MS);
    try {
      await this.openCamera();
    } finally {
      window.clearTimeout(timer);
      this.settle();
    }
  }

  private settle(): void {
    if (this.mediaSettled) return;
    this.mediaSettled = true;
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  private whenSettled(): Promise<void> {
    if (this.mediaSettled) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private async openCamera(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      this.showNotice(describeMediaError({ name: 'TypeError' }));
    } else {
      try {
        this.camera = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
      } catch (error) {
        this.showNotice(describeMediaError(error));
        try {
          // A missing camera should not cost the microphone.
          this.camera = await navigator.mediaDevices.getUserMedia({ audio: true });
        } catch {
          this.camera = null;
        }
      }
    }
    if (this.disposed) {
      this.stopCamera();
      return;
    }
    this.applyEnabled();
    this.localTile.video.srcObject = this.camera;
    this.renderButtons();
    for (const { link } of this.links.values()) {
      for (const track of this.localTracks()) await link.replaceTrack(track.kind as 'audio' | 'video', track);
    }
  }

  addPeer(peerId: string, name: string): void {
    if (this.disposed) return;
    const existing = this.links.get(peerId);
    if (existing) {
      // Same participant, new page: the old connection is dead, start a fresh one.
      existing.link.dispose();
      existing.tile.el.remove();
      this.links.delete(peerId);
    }
    const tile = makeTile(name, false);
    const link = new PeerLink({
      peerId,
      polite: isPolite(this.options.selfId, peerId),
      iceServers: this.options.iceServers,
      iceTransportPolicy: this.policy,
      localTracks: () => this.localTracks(),
      localStream: () => this.camera,
      sendSignal: (kind, data) => this.options.sendSignal(peerId, kind, data),
      onRemoteStream: (stream) => {
        if (tile.video.srcObject !== stream) tile.video.srcObject = stream;
        const entry = this.links.get(peerId);
        if (entry?.link === link) entry.stream = stream;
        this.play(tile);
        this.renderPeer(peerId);
        this.renderStage();
      },
      onDebug: (summary) => {
        tile.el.dataset['debug'] = summary;
      },
      onStateChange: (state) => {
        tile.el.dataset['state'] = state;
        tile.state.textContent = state === 'connected' ? '' : state;
      },
    });
    tile.el.dataset['peer'] = peerId;
    this.links.set(peerId, { link, tile, name, stream: null });
    this.grid.appendChild(tile.el);
    this.renderPeer(peerId);
    const start = (): void => {
      if (this.links.get(peerId)?.link !== link) return;
      // One end opens and offers; the other opens on that offer (see opensLink).
      if (opensLink(this.options.selfId, peerId)) link.connect();
      this.watch(peerId, link);
    };
    if (this.mediaSettled) start();
    else void this.whenSettled().then(start);
  }

  /**
   * A link that is not connected, or does not carry our media out, after a while starts over.
   * The impolite side restarts it ('bye', then a fresh offer); the polite side asks for that
   * with a 'bye' marked restart. A safety net for a network that drops the call, not part of
   * normal setup: joins connect in about a second. At most MAX_RESTARTS times per peer.
   */
  private watch(peerId: string, link: PeerLink): void {
    window.setTimeout(() => {
      const entry = this.links.get(peerId);
      if (this.disposed || entry?.link !== link) return;
      if (link.healthy) {
        this.restarts.delete(peerId);
        return;
      }
      const attempts = this.restarts.get(peerId) ?? 0;
      if (attempts >= MAX_RESTARTS) return;
      this.restarts.set(peerId, attempts + 1);
      console.warn(`video link to ${peerId} is not flowing; starting over`);
      this.options.sendSignal(peerId, 'bye', { restart: true });
      this.removePeer(peerId);
      if (!isPolite(this.options.selfId, peerId)) this.addPeer(peerId, entry.name);
    }, CONNECT_WATCHDOG_MS);
  }

  get transportPolicy(): RTCIceTransportPolicy {
    return this.policy;
  }

  /**
   * The room switched relay-only on or off: every link starts over with the new policy (a
   * connection's candidates are gathered under the policy it was made with). Both ends get the
   * setting from the room before any new offer, so each simply rebuilds its links and the
   * opening end offers again.
   */
  setTransportPolicy(policy: RTCIceTransportPolicy): void {
    if (policy === this.policy || this.disposed) return;
    this.policy = policy;
    for (const [peerId, entry] of [...this.links]) {
      this.restarts.delete(peerId);
      this.addPeer(peerId, entry.name);
    }
  }

  removeAllPeers(): void {
    for (const peerId of [...this.links.keys()]) this.removePeer(peerId);
  }

  hasPeer(peerId: string): boolean {
    return this.links.has(peerId);
  }

  removePeer(peerId: string): void {
    const entry = this.links.get(peerId);
    if (!entry) return;
    entry.link.dispose();
    entry.tile.el.remove();
    this.links.delete(peerId);
    this.renderStage();
  }

  /** A peer's camera or screen changed (null: we know nothing of them any more). */
  setPeerMedia(peerId: string, media: MediaState | null): void {
    if (media) this.peerMedia.set(peerId, media);
    else this.peerMedia.delete(peerId);
    this.renderPeer(peerId);
    this.renderStage();
  }

  /** Camera off, or the camera's place taken by their screen (on the stage): show initials. */
  private renderPeer(peerId: string): void {
    const entry = this.links.get(peerId);
    if (!entry) return;
    const media = this.peerMedia.get(peerId);
    const sharing = media?.screen === true;
    const hasVideo = entry.stream?.getVideoTracks().some((t) => t.readyState === 'live') ?? false;
    entry.tile.el.classList.toggle('presenting', sharing);
    entry.tile.el.classList.toggle('camera-off', sharing || !hasVideo || media?.camera === false);
  }

  private renderStage(): void {
    if (this.disposed) return;
    const peers = [...this.links.entries()].map(([id, e]) => ({ id, screen: this.peerMedia.get(id)?.screen === true && e.stream !== null }));
    const owner = stageOwner(this.screen !== null, peers);
    if (owner === this.stageOf) return;
    this.stageOf = owner;
    if (owner === null) {
      this.stageVideo.srcObject = null;
      this.stage.hidden = true;
      if (document.fullscreenElement === this.stage) void document.exitFullscreen().catch(() => undefined);
    } else if (owner === 'self') {
      this.stageVideo.srcObject = this.screen ? new MediaStream([this.screen]) : null;
      replaceChildren(this.stageCaption, 'You are sharing your screen');
      this.stage.hidden = false;
    } else {
      const entry = this.links.get(owner);
      this.stageVideo.srcObject = entry?.stream ?? null;
      replaceChildren(this.stageCaption, `${entry?.name ?? 'Someone'}’s screen`);
      this.stage.hidden = false;
    }
    this.stage.dataset['owner'] = owner ?? '';
    if (owner !== null) void this.stageVideo.play().catch(() => undefined);
    this.options.onStage?.(owner !== null);
  }

  private async toggleFullscreen(): Promise<void> {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await this.stage.requestFullscreen();
    } catch (error) {
      this.showNotice('Fullscreen is not available here.');
      console.warn('fullscreen refused', error);
    }
  }

  private readonly onFullscreenChange = (): void => {
    const on = document.fullscreenElement === this.stage;
    this.fullscreenButton.textContent = on ? 'Exit fullscreen' : 'Fullscreen';
    this.fullscreenButton.setAttribute('aria-pressed', String(on));
  };

  async receiveSignal(from: string, kind: SignalKind, data: unknown, nameOf: (id: string) => string): Promise<void> {
    if (kind === 'bye') {
      const name = this.links.get(from)?.name ?? nameOf(from);
      this.removePeer(from);
      // The polite end asked for a fresh start: the impolite end makes the new offer.
      const restart = typeof data === 'object' && data !== null && (data as { restart?: unknown }).restart === true;
      if (restart && !this.disposed && !isPolite(this.options.selfId, from)) {
        await this.whenSettled();
        if (!this.links.has(from)) this.addPeer(from, name);
      }
      return;
    }
    // Signals wait with the links (in arrival order), so none reaches a connection not yet made.
    await this.whenSettled();
    if (this.disposed) return;
    if (!this.links.has(from)) this.addPeer(from, nameOf(from));
    await this.links.get(from)?.link.receive(kind, data);
  }

  toggleMic(): void {
    this.micOn = !this.micOn;
    this.applyEnabled();
    this.renderButtons();
  }

  toggleCamera(): void {
    this.camOn = !this.camOn;
    this.applyEnabled();
    this.renderButtons();
  }

  async toggleScreen(): Promise<void> {
    if (this.screen) {
      await this.stopScreen();
      return;
    }
    let track: MediaStreamTrack | undefined;
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      track = display.getVideoTracks()[0];
    } catch (error) {
      this.showNotice(describeMediaError(error, 'screen'));
      return;
    }
    if (!track) return;
    this.screen = track;
    track.addEventListener('ended', () => void this.stopScreen());
    for (const { link } of this.links.values()) await link.replaceTrack('video', track);
    // Your own tile keeps your camera; the screen goes on the stage, unmirrored.
    this.renderButtons();
    this.renderStage();
  }

  private async stopScreen(): Promise<void> {
    if (!this.screen) return;
    this.screen.stop();
    this.screen = null;
    const cam = this.camera?.getVideoTracks()[0] ?? null;
    for (const { link } of this.links.values()) await link.replaceTrack('video', cam);
    this.renderButtons();
    this.renderStage();
  }

  /**
   * Hangs up. `notify` says goodbye to each peer; when the interview ends everyone hangs up at
   * once and the candidates are already gone, so saying it would only earn an error.
   */
  dispose(notify = true): void {
    if (this.stageOf !== null) {
      this.stageOf = null;
      this.stage.hidden = true;
      this.stageVideo.srcObject = null;
      this.options.onStage?.(false);
    }
    this.disposed = true;
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
    if (document.fullscreenElement === this.stage) void document.exitFullscreen().catch(() => undefined);
    for (const peerId of [...this.links.keys()]) {
      if (notify) this.options.sendSignal(peerId, 'bye', {});
      this.removePeer(peerId);
    }
    this.screen?.stop();
    this.stopCamera();
  }

  private localTracks(): MediaStreamTrack[] {
    if (!this.camera) return [];
    const tracks = [...this.camera.getAudioTracks()];
    const video = this.screen ?? this.camera.getVideoTracks()[0];
    if (video) tracks.push(video);
    return tracks;
  }

  private stopCamera(): void {
    for (const track of this.camera?.getTracks() ?? []) track.stop();
    this.camera = null;
  }

  private applyEnabled(): void {
    for (const t of this.camera?.getAudioTracks() ?? []) t.enabled = this.micOn;
    for (const t of this.camera?.getVideoTracks() ?? []) t.enabled = this.camOn;
  }

  private renderButtons(): void {
    const hasAudio = (this.camera?.getAudioTracks().length ?? 0) > 0;
    const hasVideo = (this.camera?.getVideoTracks().length ?? 0) > 0;
    this.micButton.textContent = this.micOn ? 'Mute' : 'Unmute';
    this.micButton.setAttribute('aria-pressed', String(!this.micOn));
    this.micButton.disabled = !hasAudio;
    this.camButton.textContent = this.camOn ? 'Stop camera' : 'Start camera';
    this.camButton.setAttribute('aria-pressed', String(!this.camOn));
    this.camButton.disabled = !hasVideo;
    this.screenButton.textContent = this.screen ? 'Stop sharing' : 'Share screen';
    this.screenButton.setAttribute('aria-pressed', String(Boolean(this.screen)));
    this.localTile.el.classList.toggle('camera-off', !hasVideo || !this.camOn);
    this.options.onLocalMedia?.({ camera: hasVideo && this.camOn, screen: this.screen !== null });
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  private play(tile: Tile): void {
    tile.video.play().catch(() => {
      // Autoplay with sound was blocked: play muted and offer to unmute.
      tile.video.muted = true;
      void tile.video.play().catch(() => undefined);
      if (!tile.el.querySelector('.unmute')) {
        const button = h('button', {
          type: 'button',
          class: 'btn btn-small unmute',
          onclick: () => {
            tile.video.muted = false;
            button.remove();
          },
        }, 'Unmute');
        tile.el.appendChild(button);
      }
    });
  }
}
