/** Pure decisions behind the video features (unit-tested without a browser). */

/** A sentence a person can act on, from a getUserMedia/getDisplayMedia failure. */
export function describeMediaError(error: unknown, what: 'camera' | 'screen' = 'camera'): string {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name: unknown }).name)
    : '';
  if (what === 'screen') {
    if (name === 'NotAllowedError') return 'Screen sharing was cancelled or blocked.';
    return 'Screen sharing is not available in this browser.';
  }
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera and microphone access was denied. Allow it in the browser’s site settings, then reload. You can still join and see the others.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found. You can still join and see and hear the others.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera or microphone is in use by another application.';
    case 'TypeError':
      return 'Camera access needs a secure page (https or localhost).';
    default:
      return 'The camera or microphone could not be started.';
  }
}

/**
 * Perfect negotiation needs exactly one polite side per pair; comparing the participant ids
 * gives both peers the same answer without a round trip.
 */
export function isPolite(selfId: string, peerId: string): boolean {
  return selfId < peerId;
}

export interface Participant {
  participant_id: string;
  role: 'interviewer' | 'candidate' | string;
  name: string;
  colour?: string;
  color?: string;
  connected?: boolean;
}

/** Peers to open a link with: everyone else who is present. */
export function peersToLink(selfId: string, participants: Participant[]): string[] {
  return participants
    .filter((p) => p.participant_id !== selfId && p.connected !== false)
    .map((p) => p.participant_id);
}
