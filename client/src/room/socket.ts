/**
 * The room's Socket.IO transport. Candidates authenticate with their room token; the interviewer
 * with the access cookie plus the interview id. Outgoing payloads are checked against the protocol
 * first, so a client bug shows up as a readable message here rather than an `error` event later.
 * The wire serializer (JSON or msgpack) is the one config/protocol.json names.
 */
import { io, type Socket } from 'socket.io-client';
import { SERIALIZER, validatePayload } from '../core/protocol';
import { parserFor, toWire } from './wire';

export type RoomAuth = { token: string } | { interview_id: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io handlers take any payload
type Handler = (...args: any[]) => void;

export class RoomSocket {
  private socket: Socket | null = null;
  private readonly handlers: [string, Handler][] = [];

  constructor(private readonly auth: RoomAuth) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Handlers may be added before or after `connect`; they survive reconnects. */
  on<A extends unknown[]>(event: string, handler: (...args: A) => void): void {
    this.handlers.push([event, handler as unknown as Handler]);
    this.socket?.on(event, handler as unknown as Handler);
  }

  connect(): void {
    if (this.socket) return;
    const parser = parserFor(SERIALIZER);
    const socket = io({
      path: '/socket.io/',
      auth: this.auth,
      withCredentials: true,
      reconnectionDelayMax: 4000,
      ...(parser ? { parser } : {}),
    });
    for (const [event, handler] of this.handlers) socket.on(event, handler);
    this.socket = socket;
  }

  /** Connects again after the server refused the handshake (socket.io does not retry that). */
  reconnect(): void {
    if (this.socket && !this.socket.connected) this.socket.connect();
  }

  /**
   * Hangs up for good: no automatic reconnection, no retry. For a room that is over (the server
   * would refuse every attempt, and each refusal would read as a connection problem).
   */
  stop(): void {
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
    if (!this.socket) return;
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.socket = null;
  }
}
