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

/** What a tile shows instead of a black picture when the camera is off: one or two initials. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

/**
 * Each person's media as the others need to know it (camera on or off, sharing the screen or
 * not). It travels in the code document's awareness state, beside the cursor, keyed by the
 * participant, so no server change is needed and a newcomer gets it with the rest.
 */
export interface MediaState {
  pid: string;
  camera: boolean;
  screen: boolean;
}

export const MEDIA_FIELD = 'media';

export function readMediaState(state: unknown): MediaState | null {
  if (typeof state !== 'object' || state === null) return null;
  const media = (state as Record<string, unknown>)[MEDIA_FIELD];
  if (typeof media !== 'object' || media === null) return null;
  const { pid, camera, screen } = media as Record<string, unknown>;
  if (typeof pid !== 'string' || !pid) return null;
  return { pid, camera: camera !== false, screen: screen === true };
}

/**
 * Whose screen takes the stage: your own while you share (you see what the others see), else
 * the first peer who shares, in the order they joined. null: nobody shares, no stage.
 */
export function stageOwner(selfSharing: boolean, peers: { id: string; screen: boolean }[]): 'self' | string | null {
  if (selfSharing) return 'self';
  return peers.find((p) => p.screen)?.id ?? null;
}
