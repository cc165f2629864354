/**
 * The room's Socket.IO transport. Candidates authenticate with their room token; the interviewer
 * with the access cookie plus the interview id. Outgoing payloads are checked against the protocol
 * first, so a client bug shows up as a readable message here rather than an `error` event later.
 * The wire serializer (JSON or msgpack) is the one config/protocol.json names.
 *
 * Several server processes may share the rooms (deploy/README.md): the interview id travels in the
 * connection query so the proxy routes every socket of the room to one process, and a `room_moved`
 * answer (the room is owned, or being taken over, by another process) is handled here, out of the
 * page's sight: the socket waits the delay the server names (routing.ts) and connects again; the
 * Yjs sync steps on the new connection resend whatever the old one had not delivered.
 */
import { io, type Socket } from 'socket.io-client';
import { EV, SERIALIZER, validatePayload } from '../core/protocol';
import { movedRetryDelay, routingQuery } from './routing';
import { parserFor, toWire } from './wire';

export type RoomAuth = { token: string } | { interview_id: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io handlers take any payload
type Handler = (...args: any[]) => void;

/** Events whose `room_moved` payloads this class answers itself instead of the page. */
const MOVED_CARRIERS = new Set(['connect_error', EV.error]);

export class RoomSocket {
  private socket: Socket | null = null;
  private readonly handlers: [string, Handler][] = [];
  private movedDelay: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly auth: RoomAuth,
    private readonly interviewId: string,
  ) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Handlers may be added before or after `connect`; they survive reconnects. */
  on<A extends unknown[]>(event: string, handler: (...args: A) => void): void {
    const wrapped = this.wrap(event, handler as unknown as Handler);
    this.handlers.push([event, wrapped]);
    this.socket?.on(event, wrapped);
  }

  /** A `room_moved` never reaches the page: it is a reconnect, not a refusal to show. */
  private wrap(event: string, handler: Handler): Handler {
    if (!MOVED_CARRIERS.has(event)) return handler;
    return (...args: unknown[]) => {
      const first = args[0] as { data?: unknown } | undefined;
      const payload = event === 'connect_error' ? first?.data : first;
      if (movedRetryDelay(payload, () => 0) === null) handler(...args);
    };
  }

  connect(): void {
    if (this.socket) return;
    const parser = parserFor(SERIALIZER);
    const socket = io({
      path: '/socket.io/',
      auth: this.auth,
      query: routingQuery(this.interviewId),
      withCredentials: true,
      reconnectionDelayMax: 4000,
      ...(parser ? { parser } : {}),
    });
    // The refusal of a connect: socket.io does not retry a refused handshake by itself.
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      const delay = movedRetryDelay(err.data);
      if (delay !== null) this.retryIn(delay);
    });
    // The room moves away from the process we are on: it says so, then hangs up.
    socket.on(EV.error, (payload: unknown) => {
      const delay = movedRetryDelay(payload);
      if (delay !== null) this.movedDelay = delay;
    });
    socket.on('disconnect', (reason: string) => {
      if (reason === 'io server disconnect' && this.movedDelay !== null) this.retryIn(this.movedDelay);
      this.movedDelay = null;
    });
    socket.on('connect', () => { this.movedDelay = null; });
    for (const [event, handler] of this.handlers) socket.on(event, handler);
    this.socket = socket;
  }

  private retryIn(delay: number): void {
    if (this.retryTimer !== null || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped && this.socket && !this.socket.connected) this.socket.connect();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Connects again after the server refused the handshake (socket.io does not retry that). */
  reconnect(): void {
    this.cancelRetry();
    if (this.socket && !this.socket.connected) this.socket.connect();
  }

  /**
   * Hangs up for good: no automatic reconnection, no retry. For a room that is over (the server
   * would refuse every attempt, and each refusal would read as a connection problem).
   */
  stop(): void {
    this.stopped = true;
    this.cancelRetry();
    if (!this.socket) return;
    this.socket.io.reconnection(false);
    this.socket.disconnect();
  }

  emit(event: string, payload: unknown, ack?: (response: unknown) => void): void {
    const problem = validatePayload(event, payload);
    if (problem) throw new Error(`refusing to send ${event}: ${problem}`);
    if (!this.socket) throw new Error('the room is not connected');
    const wire = toWire(payload, SERIALIZER);
    if (ack) this.socket.emit(event, wire, ack);
    else this.socket.emit(event, wire);
  }

  dispose(): void {
    this.stopped = true;
    this.cancelRetry();
    if (!this.socket) return;
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.socket = null;
  }
}
