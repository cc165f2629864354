/**
 * The realtime protocol, read from the one file the server reads too (config/protocol.json).
 * Event names are looked up here and checked against that file, so a renamed event fails the
 * unit tests and the build instead of silently never arriving.
 */
import protocolJson from '../../../config/protocol.json';

export interface FieldSpec {
  type: string;
  optional?: boolean;
  nullable?: boolean;
  min?: number;
  max?: number;
  max_bytes?: number;
  enum?: string[];
}

export interface EventSpec {
  from: 'client' | 'server' | 'both';
  who?: 'any' | 'interviewer';
  payload: 'binary' | Record<string, FieldSpec>;
  description?: string;
}

export interface DocSpec {
  /** The Y.Text of a text document; the whiteboard has a `map` instead. */
  text?: string;
  map?: string;
  meta_map?: string;
  meta_keys?: string[];
  /** The Y.Text of the room's shared standard input (code document only). */
  stdin_text?: string;
  who: string;
  event: string;
}

/** How Socket.IO packets are written on the wire; both sides read it from protocol.json. */
export type Serializer = 'json' | 'msgpack';

/** How a socket names its room to the proxy, and the code that sends it elsewhere. */
export interface Routing {
  /** The connection query parameter carrying the interview id (haproxy hashes on it). */
  query: string;
  /** The error code (event or connect refusal) that means: reconnect after retry_after_ms. */
  moved_code: string;
}

export interface Protocol {
  version: number;
  routing?: Routing;
  /** Required; the server speaks only "msgpack" (server/rooms/protocol.py SERIALIZERS). */
  serializer?: string;
  limits: Record<string, number>;
  docs: Record<string, DocSpec>;
  events: Record<string, EventSpec>;
}

export const protocol = protocolJson as unknown as Protocol;

/**
 * Reads the `serializer` field. Anything but what the server speaks throws: a client that guessed
 * would connect, then fail to decode every packet the server sends. (`'json'` stays in the type
 * and in wire.ts for tools that talk to other Socket.IO servers.)
 */
export function parseSerializer(value: unknown): Serializer {
  if (value === 'msgpack') return 'msgpack';
  throw new Error(
    `config/protocol.json: unknown serializer ${JSON.stringify(value)} (the server speaks "msgpack")`,
  );
}

/** protocol.json's routing section (with the server's defaults if it has none). */
export const ROUTING: Routing = {
  query: protocol.routing?.query ?? 'interview',
  moved_code: protocol.routing?.moved_code ?? 'room_moved',
};

/** The wire serializer, checked once at start-up. */
export const SERIALIZER: Serializer = parseSerializer(protocol.serializer);

/** Returns the event name after checking the protocol defines it for the given direction. */
export function eventName(name: string, direction: 'send' | 'receive'): string {
  const spec = protocol.events[name];
  if (!spec) throw new Error(`event ${name} is not in config/protocol.json`);
  const ok = direction === 'send' ? spec.from !== 'server' : spec.from !== 'client';
  if (!ok) {
    throw new Error(`event ${name} cannot be ${direction === 'send' ? 'sent' : 'received'} by the client`);
  }
  return name;
}

/** Every event the browser uses, resolved once at start-up. */
export const EV = {
  syncMessage: eventName('sync:message', 'send'),
  notesMessage: eventName('notes:message', 'send'),
  boardMessage: eventName('board:message', 'send'),
  boardLock: eventName('board:lock', 'send'),
  videoRelay: eventName('video:relay', 'send'),
  chatSend: eventName('chat:send', 'send'),
  chatMessage: eventName('chat:message', 'receive'),
  runStart: eventName('run:start', 'send'),
  runStarted: eventName('run:started', 'receive'),
  runFinished: eventName('run:finished', 'receive'),
  runPermission: eventName('run:permission', 'send'),
  roomSettings: eventName('room:settings', 'receive'),
  signalSend: eventName('signal:send', 'send'),
  signalMessage: eventName('signal:message', 'receive'),
  roomEnd: eventName('room:end', 'send'),
  roomEnded: eventName('room:ended', 'receive'),
  welcome: eventName('room:welcome', 'receive'),
  presenceJoined: eventName('presence:joined', 'receive'),
  presenceAway: eventName('presence:away', 'receive'),
  presenceLeft: eventName('presence:left', 'receive'),
  roomLobby: eventName('room:lobby', 'receive'),
  languageChanged: eventName('language:changed', 'receive'),
  lobbyWaiting: eventName('lobby:waiting', 'receive'),
  lobbyAdmit: eventName('lobby:admit', 'send'),
  error: eventName('error', 'receive'),
  terminalStart: eventName('terminal:start', 'send'),
  terminalInput: eventName('terminal:input', 'send'),
  terminalControl: eventName('terminal:control', 'send'),
  terminalKeyboard: eventName('terminal:keyboard', 'send'),
  terminalStarted: eventName('terminal:started', 'receive'),
  terminalOutput: eventName('terminal:output', 'receive'),
  terminalFinished: eventName('terminal:finished', 'receive'),
  terminalState: eventName('terminal:state', 'receive'),
  questionLoad: eventName('question:load', 'send'),
  questionLoaded: eventName('question:loaded', 'receive'),
  testsRun: eventName('tests:run', 'send'),
  testsStarted: eventName('tests:started', 'receive'),
  testsFinished: eventName('tests:finished', 'receive'),
  activityReport: eventName('activity:report', 'send'),
  activityMark: eventName('activity:mark', 'receive'),
} as const;

/** A document bound to a Y.Text (the code, the notes). */
export type TextDocSpec = DocSpec & { text: string };

function textDoc(name: string, fallback: TextDocSpec): TextDocSpec {
  const spec = protocol.docs[name];
  return spec && typeof spec.text === 'string' ? { ...spec, text: spec.text } : fallback;
}

export const CODE_DOC: TextDocSpec = textDoc('code', {
  text: 'code',
  meta_map: 'meta',
  who: 'any',
  event: 'sync:message',
});
export const NOTES_DOC: TextDocSpec = textDoc('notes', {
  text: 'notes',
  who: 'interviewer',
  event: 'notes:message',
});

export const BOARD_DOC: DocSpec = protocol.docs['board'] ?? {
  map: 'elements',
  who: 'any',
  event: 'board:message',
};

export function limit(name: string, fallback: number): number {
  return protocol.limits[name] ?? fallback;
}

/** Checks an outgoing payload against the protocol's field spec (the rules the server applies). */
export function validatePayload(name: string, payload: unknown): string | null {
  const spec = protocol.events[name];
  if (!spec) return `unknown event ${name}`;
  if (spec.payload === 'binary') return payload instanceof Uint8Array ? null : 'expected binary payload';
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'expected an object';
  const record = payload as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(key in spec.payload)) return `unknown field ${key}`;
  }
  for (const [key, field] of Object.entries(spec.payload)) {
    const value = record[key];
    if (value === undefined) {
      if (!field.optional) return `missing field ${key}`;
      continue;
    }
    if (value === null) {
      if (!field.nullable) return `field ${key} may not be null`;
      continue;
    }
    const problem = checkField(key, field, value);
    if (problem) return problem;
  }
  return null;
}

function checkField(key: string, field: FieldSpec, value: unknown): string | null {
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') return `field ${key} must be a string`;
      const length = [...value].length;
      if (field.min !== undefined && length < field.min) return `field ${key} is too short`;
      if (field.max !== undefined && length > field.max) return `field ${key} is too long`;
      if (field.enum && !field.enum.includes(value)) return `field ${key} must be one of ${field.enum.join(', ')}`;
      return null;
    }
    case 'boolean':
      return typeof value === 'boolean' ? null : `field ${key} must be a boolean`;
    case 'integer':
      return Number.isInteger(value) ? null : `field ${key} must be an integer`;
    case 'array':
      return Array.isArray(value) ? null : `field ${key} must be an array`;
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? null : `field ${key} must be an object`;
    default:
      return null;
  }
}
