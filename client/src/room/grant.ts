/**
 * A candidate's room token lives in sessionStorage: it survives a reload of the tab (so a dropped
 * candidate comes back as the same participant) and dies with the tab. A copy in localStorage is
 * read only by the join page: the link opened again in this browser rejoins as the same person.
 */
export interface StoredGrant {
  token: string;
  interview_id: string;
  participant_id: string;
  name: string;
  audio: boolean;
  video: boolean;
}

const key = (interviewId: string): string => `onsite.room.${interviewId}`;

export function saveGrant(storage: Storage, grant: StoredGrant): void {
  storage.setItem(key(grant.interview_id), JSON.stringify(grant));
}

export function loadGrant(storage: Storage, interviewId: string): StoredGrant | null {
  const raw = storage.getItem(key(interviewId));
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredGrant>;
    if (typeof parsed.token !== 'string' || parsed.interview_id !== interviewId) return null;
    return {
      token: parsed.token,
      interview_id: interviewId,
      participant_id: String(parsed.participant_id ?? ''),
      name: String(parsed.name ?? 'Candidate'),
      audio: parsed.audio !== false,
      video: parsed.video !== false,
    };
  } catch {
    return null;
  }
}

export function dropGrant(storage: Storage, interviewId: string): void {
  storage.removeItem(key(interviewId));
}
