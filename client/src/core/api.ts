/** Typed shapes of the REST contract (see the shared contract) and the app's one Http instance. */
import { Http } from './http';

export { ApiError } from './http';

export interface User {
  id: string;
  email: string;
  name: string;
  /** auto: candidates enter once the interviewer is in the room; manual: they wait to be admitted. */
  admit_candidates?: 'auto' | 'manual';
  created_at: string;
  /** `admin` (manages the organization) or `interviewer`. */
  role?: 'admin' | 'interviewer';
}

export interface Language {
  id: string;
  name: string;
  version: string;
  source_file: string;
  stub: string;
  compiled: boolean;
  /** The catalogue's `editor` mode (`plain` when the client has none for it). */
  editor?: string;
  /** The language a new room or interview starts in. */
  default?: boolean;
}

/** The catalogue's default language (the first one if none is marked). */
export function defaultLanguage<L extends { id: string; default?: boolean }>(languages: L[]): L | undefined {
  return languages.find((l) => l.default) ?? languages[0];
}

export interface Stage {
  stdout: string;
  stderr: string;
  exit_code: number | null;
  signal: string | null;
  wall_ms: number;
  cpu_ms: number | null;
  memory_kb: number | null;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
}

export type Verdict =
  | 'ok'
  | 'compile_error'
  | 'runtime_error'
  | 'time_limit'
  | 'memory_limit'
  | 'output_limit'
  | 'internal_error';

export interface RunResult {
  status: Verdict;
  language: string;
  compile: Stage | null;
  run: Stage | null;
  message?: string | null;
}

export type InterviewStatus = 'scheduled' | 'in_progress' | 'completed' | 'cancelled';
export type Recommendation = 'strong_hire' | 'hire' | 'no_hire' | 'strong_no_hire' | null;

export interface InterviewSummary {
  id: string;
  title: string;
  candidate_name: string;
  candidate_email?: string | null;
  position?: string | null;
  status: InterviewStatus;
  scheduled_at?: string | null;
  created_at: string;
  language?: string | null;
  tags?: string[];
  recommendation?: Recommendation;
  deleted_at?: string | null;
  /** Yours, or one whose panel you are on (you read it and open its room; the owner changes it). */
  role?: 'owner' | 'co_interviewer';
}

export interface ChatEntry {
  author_name: string;
  author_role: string;
  text: string;
  sent_at: string;
}

export interface RunEntry {
  started_by: string;
  language: string;
  stdin: string;
  /** The exact code the run ran ("" for runs recorded before it was kept). */
  source?: string;
  result: RunResult;
  created_at: string;
}

export interface Interview extends InterviewSummary {
  final_code?: string | null;
  notes?: string | null;
  chat: ChatEntry[];
  runs: RunEntry[];
  join_code: string;
  join_url: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface Schedule {
  id: string;
  interview_id: string;
  title: string;
  candidate_name: string;
  candidate_email: string;
  interviewer_email?: string | null;
  starts_at: string;
  duration_minutes: number;
  timezone?: string | null;
  status?: string;
  sequence?: number;
  join_url?: string;
  /** Whether the last invitation reached every recipient's mail server. */
  invitation_sent?: boolean;
  /** The record's status: scheduled, in_progress, completed, cancelled. */
  interview_status?: string;
  /** What may be done with the slot now; the server refuses the others. */
  actions?: ('open_room' | 'reschedule' | 'cancel')[];
}

export interface JoinInfo {
  interview_id: string;
  title: string;
  interviewer_name: string;
  status: InterviewStatus;
  can_join: boolean;
  reason?: string | null;
}

export interface JoinGrant {
  token: string;
  interview_id: string;
  participant_id: string;
}

export interface Provider {
  id: string;
  name: string;
}

let unauthorizedHandler: () => void = () => {};

export function setUnauthorizedHandler(handler: () => void): void {
  unauthorizedHandler = handler;
}

export const http = new Http({
  fetch: (input, init) => fetch(input, init),
  cookies: () => document.cookie,
  onUnauthorized: () => unauthorizedHandler(),
});
