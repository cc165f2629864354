/**
 * Shapes outgoing Socket.IO payloads for the wire serializer named in config/protocol.json.
 *
 * With the default JSON parser socket.io-client finds Uint8Arrays itself and sends them as binary
 * attachments, and JSON drops undefined fields. The msgpack parser (socket.io-msgpack-parser, on
 * notepack.io) does neither: in the browser it writes a Uint8Array as a map of indices and
 * `undefined` as an extension type, and the server would refuse both. So for msgpack every binary
 * value becomes an ArrayBuffer of exactly its bytes (which notepack writes as msgpack bin) and the
 * payload is otherwise reduced to what JSON would have sent.
 *
 * Incoming binary needs no help: notepack hands bin back as an ArrayBuffer (a Buffer under Node)
 * and `toBytes` in ysync.ts accepts either.
 */
import * as msgpackParser from 'socket.io-msgpack-parser';
import type { Serializer } from '../core/protocol';

/** The `parser` option for `io(...)`; undefined keeps socket.io's default JSON parser. */
export function parserFor(serializer: Serializer): typeof msgpackParser | undefined {
  return serializer === 'msgpack' ? msgpackParser : undefined;
}

/** An ArrayBuffer holding exactly the view's bytes (no copy when the view already is the whole buffer). */
export function exactArrayBuffer(view: ArrayBufferView): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = view;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  return new Uint8Array(buffer, byteOffset, byteLength).slice().buffer;
}

/** The payload as it should go to `socket.emit` under the given serializer. */
export function toWire(payload: unknown, serializer: Serializer): unknown {
  return serializer === 'msgpack' ? forMsgpack(payload) : payload;
}

function forMsgpack(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) return exactArrayBuffer(value);
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : forMsgpack(item)));
  if (typeof value === 'object' && value !== null) {
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return forMsgpack(withJson.toJSON());
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined && typeof item !== 'function') out[key] = forMsgpack(item);
    }
    return out;
  }
  return value;
}
