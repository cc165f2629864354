/**
 * The decisions of perfect negotiation, apart from RTCPeerConnection so they can be unit-tested.
 * The pattern is MDN's "Perfect negotiation"; the comments say where this app needed more.
 */
import { isPolite } from './mediaCore';

export interface DescriptionArrival {
  type: RTCSdpType;
  /** Our own offer is being made (between onnegotiationneeded and setLocalDescription settling). */
  makingOffer: boolean;
  signalingState: RTCSignalingState;
  /** A remote answer is being applied: the state still reads have-local-offer, but it is done. */
  settingRemoteAnswer: boolean;
}

/** An offer that crosses ours. An answer never collides. */
export function isOfferCollision(arrival: DescriptionArrival): boolean {
  const readyForOffer =
    !arrival.makingOffer && (arrival.signalingState === 'stable' || arrival.settingRemoteAnswer);
  return arrival.type === 'offer' && !readyForOffer;
}

/** The impolite side drops a colliding offer; the polite side rolls its own back and answers. */
export function shouldIgnoreOffer(polite: boolean, arrival: DescriptionArrival): boolean {
  return !polite && isOfferCollision(arrival);
}

/**
 * Which end of a pair opens the connection and makes the first offer: the impolite one. The
 * polite end opens its connection when that offer arrives. Both ends opening at once made every
 * join a glare, and Chromium, rolling back an offer whose ICE gathering had just begun, then
 * gathered no candidates at all for its answer: the call stayed at "new" until the watchdog
 * started it over. Glare is still handled (both may renegotiate later), it is just not the rule.
 */
export function opensLink(selfId: string, peerId: string): boolean {
  return !isPolite(selfId, peerId);
}

/**
 * Applies a link's incoming signals one after another. Socket events arrive in order but their
 * handlers are async: without this an offer could be judged while the previous answer was still
 * being applied (seen as a collision and dropped by the impolite side, leaving the polite side
 * waiting for an answer forever), and a candidate could be added before its description.
 */
export class SignalQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `task` after every task pushed before it has settled; resolves when it has run. */
  push(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task).catch((error: unknown) => this.onError(error));
    this.tail = run;
    return run;
  }
}
