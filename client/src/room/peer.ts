/**
 * One WebRTC link to one peer, negotiated with the perfect-negotiation pattern: both sides may
 * offer whenever their tracks change; on a collision the polite side rolls back and answers,
 * the impolite side ignores the other's offer. Signals travel through the room's relay.
 */
import { shouldIgnoreOffer, SignalQueue } from './negotiation';

export type SignalKind = 'offer' | 'answer' | 'candidate' | 'bye';

export interface PeerLinkOptions {
  peerId: string;
  polite: boolean;
  iceServers: RTCIceServer[];
  /** ``relay``: only TURN-relayed candidates, so the peer never learns our addresses. */
  iceTransportPolicy: RTCIceTransportPolicy;
  localTracks: () => MediaStreamTrack[];
  localStream: () => MediaStream | null;
  sendSignal: (kind: SignalKind, data: unknown) => void;
  onRemoteStream: (stream: MediaStream) => void;
  onStateChange: (state: RTCPeerConnectionState) => void;
  /** A one-line summary of the negotiation, for the page's data attributes (debugging). */
  onDebug?: (summary: string) => void;
}

export class PeerLink {
  private pc: RTCPeerConnection | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  private disposed = false;
  private readonly signals = new SignalQueue((error) => {
    console.warn('signal from peer could not be applied', error);
    this.report();
  });
  private readonly counts = { sent: 0, got: 0, added: 0, failed: 0, ignoredOffers: 0 };
  private readonly remoteStream = new MediaStream();

  constructor(private readonly options: PeerLinkOptions) {}

  get connection(): RTCPeerConnection | null {
    return this.pc;
  }

  /**
   * Connected, and our own media is negotiated to go out (if we have any). Judged from this end
   * only: a peer without a camera sends nothing, and that is not a fault.
   */
  get healthy(): boolean {
    const pc = this.pc;
    if (!pc || pc.connectionState !== 'connected') return false;
    if (this.options.localTracks().length === 0) return true;
    return pc
      .getTransceivers()
      .some((t) => t.sender.track !== null && (t.currentDirection === 'sendrecv' || t.currentDirection === 'sendonly'));
  }

  connect(): void {
    if (this.pc || this.disposed) return;
    const pc = new RTCPeerConnection({
      iceServers: this.options.iceServers,
      iceTransportPolicy: this.options.iceTransportPolicy,
    });
    this.pc = pc;
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) this.options.sendSignal('offer', pc.localDescription.toJSON());
      } catch (error) {
        console.warn('negotiation failed', error);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) {
        this.counts.sent += 1;
        this.options.sendSignal('candidate', candidate.toJSON());
      }
    };
    pc.ontrack = ({ track }) => {
      for (const old of this.remoteStream.getTracks()) {
        if (old.kind === track.kind && old !== track) this.remoteStream.removeTrack(old);
      }
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
      this.options.onRemoteStream(this.remoteStream);
    };
    pc.onsignalingstatechange = () => this.report();
    pc.oniceconnectionstatechange = () => this.report();
    pc.onconnectionstatechange = () => {
      this.report();
      this.options.onStateChange(pc.connectionState);
      if (pc.connectionState === 'failed') pc.restartIce();
    };
    const stream = this.options.localStream();
    for (const track of this.options.localTracks()) {
      if (stream) pc.addTrack(track, stream);
      else pc.addTrack(track);
    }
  }

  private report(): void {
    const pc = this.pc;
    if (!pc || !this.options.onDebug) return;
    const transceivers = pc
      .getTransceivers()
      .map((t) => `${t.receiver.track.kind}:${t.direction}/${t.currentDirection ?? '-'}${t.sender.track ? '+' : ''}`)
      .join(',');
    const c = this.counts;
    this.options.onDebug(
      `${pc.signalingState} ${this.options.polite ? 'polite' : 'impolite'} [${transceivers}] ` +
        `ice ${pc.iceConnectionState} cand sent ${c.sent} got ${c.got} added ${c.added} failed ${c.failed} ignoredOffers ${c.ignoredOffers}`,
    );
  }

  /**
   * Applies one signal from the peer, after every earlier one has been applied (see
   * SignalQueue). The polite end opens its connection here, on the impolite end's first offer.
   */
  receive(kind: SignalKind, data: unknown): Promise<void> {
    return this.signals.push(() => this.apply(kind, data));
  }

  private async apply(kind: SignalKind, data: unknown): Promise<void> {
    if (!this.pc) this.connect();
    const pc = this.pc;
    if (!pc) return;
    if (kind === 'offer' || kind === 'answer') {
      const description = data as RTCSessionDescriptionInit;
      this.ignoreOffer = shouldIgnoreOffer(this.options.polite, {
        type: description.type ?? kind,
        makingOffer: this.makingOffer,
        signalingState: pc.signalingState,
        settingRemoteAnswer: this.settingRemoteAnswer,
      });
      if (this.ignoreOffer) {
        this.counts.ignoredOffers += 1;
        this.report();
        return;
      }
      this.settingRemoteAnswer = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description); // an offer in have-local-offer rolls ours back
      } finally {
        this.settingRemoteAnswer = false;
      }
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        if (pc.localDescription) this.options.sendSignal('answer', pc.localDescription.toJSON());
      }
    } else if (kind === 'candidate') {
      this.counts.got += 1;
      try {
        await pc.addIceCandidate(data as RTCIceCandidateInit);
        this.counts.added += 1;
      } catch (error) {
        this.counts.failed += 1;
        // Candidates of an offer we ignored have no description to join: expected, not a fault.
        if (!this.ignoreOffer) throw error;
      }
    }
    this.report();
  }

  /** Swaps the outgoing track of one kind (camera ↔ screen) without renegotiating when possible. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    const transceiver =
      pc.getTransceivers().find((t) => t.sender.track?.kind === kind) ??
      pc.getTransceivers().find((t) => t.receiver.track.kind === kind && t.currentDirection !== 'stopped');
    if (transceiver) {
      await transceiver.sender.replaceTrack(track);
      const stream = this.options.localStream();
      if (track && stream) transceiver.sender.setStreams(stream);
      // A transceiver the peer's offer created only receives: sending needs a renegotiation,
      // which changing the direction triggers (onnegotiationneeded).
      if (track && transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
      else if (track && transceiver.direction === 'inactive') transceiver.direction = 'sendonly';
    } else if (track) {
      const stream = this.options.localStream();
      if (stream) pc.addTrack(track, stream);
      else pc.addTrack(track);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (!this.pc) return;
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.onsignalingstatechange = null;
    this.pc.close();
    this.pc = null;
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
  }
}
