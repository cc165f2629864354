/**
 * One WebRTC link to one peer, negotiated with the perfect-negotiation pattern: both sides may
 * offer whenever their tracks change; on a collision the polite side rolls back and answers,
 * the impolite side ignores the other's offer. Signals travel through the room's relay.
 */
export type SignalKind = 'offer' | 'answer' | 'candidate' | 'bye';

export interface PeerLinkOptions {
  peerId: string;
  polite: boolean;
  iceServers: RTCIceServer[];
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
    if (this.pc) return;
    const pc = new RTCPeerConnection({ iceServers: this.options.iceServers });
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
      if (candidate) this.options.sendSignal('candidate', candidate.toJSON());
    };
    pc.ontrack = ({ track }) => {
      for (const old of this.remoteStream.getTracks()) {
        if (old.kind === track.kind && old !== track) this.remoteStream.removeTrack(old);
      }
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
      this.options.onRemoteStream(this.remoteStream);
    };
    pc.onsignalingstatechange = () => this.report();
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
    this.options.onDebug(`${pc.signalingState} ${this.options.polite ? 'polite' : 'impolite'} [${transceivers}]`);
  }

  async receive(kind: SignalKind, data: unknown): Promise<void> {
    const pc = this.pc;
    if (!pc) return;
    try {
      if (kind === 'offer' || kind === 'answer') {
        const description = data as RTCSessionDescriptionInit;
        const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
        this.ignoreOffer = !this.options.polite && collision;
        if (this.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        if (description.type === 'offer') {
          await pc.setLocalDescription();
          if (pc.localDescription) this.options.sendSignal('answer', pc.localDescription.toJSON());
        }
      } else if (kind === 'candidate') {
        try {
          await pc.addIceCandidate(data as RTCIceCandidateInit);
        } catch (error) {
          if (!this.ignoreOffer) throw error;
        }
      }
    } catch (error) {
      console.warn('signal from peer could not be applied', error);
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
    if (!this.pc) return;
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.pc = null;
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
  }
}
