/**
 * Routing a room's socket to the server process that owns the room (pure, no socket here).
 *
 * Behind haproxy several server processes share the rooms: the proxy picks one by the interview
 * id in the connection query, and a process that does not own the room answers `room_moved` with
 * a retry delay (as a connect refusal, or as an `error` event before it hangs up when the room
 * moves away). The socket then reconnects by itself after that delay plus a random jitter, so the
 * clients of one room do not all knock at the same millisecond.
 */
import { ROUTING } from '../core/protocol';

/** The Socket.IO connection query that lets the proxy route by interview. */
export function routingQuery(interviewId: string): Record<string, string> {
  return { [ROUTING.query]: interviewId };
}

const DEFAULT_RETRY_MS = 400;
const MAX_RETRY_MS = 60_000;

/**
 * How long to wait before reconnecting, if `payload` is a `room_moved` answer: an `error` event
 * payload `{code, retry_after_ms}` or a connect refusal's `data`. `null` for anything else.
 * The delay is the server's, plus up to as much again of jitter, capped at a minute.
 */
export function movedRetryDelay(payload: unknown, random: () => number = Math.random): number | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { code, retry_after_ms: retry } = payload as { code?: unknown; retry_after_ms?: unknown };
  if (code !== ROUTING.moved_code) return null;
  const base = typeof retry === 'number' && Number.isFinite(retry) && retry >= 0 ? retry : DEFAULT_RETRY_MS;
  const jitter = Math.max(0, Math.min(1, random()));
  return Math.min(MAX_RETRY_MS, Math.round(base + base * jitter));
}
