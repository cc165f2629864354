import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { validatePayload } from '../core/protocol';
import { exactArrayBuffer, parserFor, toWire } from './wire';
import { encodeSyncStep1, toBytes } from './ysync';

// The notepack.io the browser bundle gets (package.json "browser" field) and the one Node gets.
const require = createRequire(import.meta.url);
const browserEncode = require('notepack.io/browser/encode.js') as (value: unknown) => ArrayBuffer;
const browserDecode = require('notepack.io/browser/decode.js') as (buffer: ArrayBuffer | ArrayBufferView) => unknown;
const nodeNotepack = require('notepack.io') as { decode: (buffer: Buffer) => unknown };

const bytesOf = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)];

describe('wire', () => {
  it('picks socket.io-msgpack-parser for msgpack and the default parser for json', () => {
    const parser = parserFor('msgpack');
    expect(parser?.protocol).toBe(5);
    expect(typeof parser?.Encoder).toBe('function');
    expect(typeof parser?.Decoder).toBe('function');
    expect(parserFor('json')).toBeUndefined();
  });

  it('leaves JSON payloads alone', () => {
    const payload = { text: 'hi', stdin: undefined };
    expect(toWire(payload, 'json')).toBe(payload);
    const message = new Uint8Array([0, 1, 2]);
    expect(toWire(message, 'json')).toBe(message);
  });

  it('sends a Yjs message as msgpack bin with exactly its bytes', () => {
    const doc = new Y.Doc();
    doc.getText('code').insert(0, 'print("héllo 👋")');
    const message = encodeSyncStep1(doc);
    expect(validatePayload('sync:message', message)).toBeNull(); // checked before toWire
    // A view into a larger buffer: only its own bytes may go out.
    const padded = new Uint8Array(message.length + 8);
    padded.set(message, 4);
    const view = padded.subarray(4, 4 + message.length);

    const encoded = new Uint8Array(browserEncode(toWire(view, 'msgpack')));
    expect(encoded[0]).toBe(0xc4); // bin 8
    expect(encoded[1]).toBe(message.length);
    expect([...encoded.subarray(2)]).toEqual([...message]);
  });

  it('uses bin 16 and bin 32 for larger messages', () => {
    const big = new Uint8Array(70_000).map((_, i) => i % 251);
    const encoded = new Uint8Array(browserEncode(toWire(big, 'msgpack')));
    expect(encoded[0]).toBe(0xc6); // bin 32 above 65535 bytes
    expect(encoded.length).toBe(5 + big.length);
    const medium = new Uint8Array(300);
    expect(new Uint8Array(browserEncode(toWire(medium, 'msgpack')))[0]).toBe(0xc5); // bin 16
  });

  it('would not send a bare Uint8Array as bin (why toWire exists)', () => {
    const encoded = new Uint8Array(browserEncode(new Uint8Array([7, 8])));
    expect(encoded[0]).toBe(0x82); // a two-entry map {"0": 7, "1": 8}
    expect(bytesOf(browserEncode(undefined))).toEqual([0xd4, 0, 0]); // fixext, not nil
  });

  it('writes a whole socket.io packet the way the server reads it', () => {
    const message = new Uint8Array([0, 2, 3, 1, 2, 3]);
    const packet = { type: 2, nsp: '/', data: ['sync:message', toWire(message, 'msgpack')], id: 4 };
    const decoded = nodeNotepack.decode(Buffer.from(browserEncode(packet))) as {
      type: number;
      nsp: string;
      data: [string, unknown];
      id: number;
    };
    expect(decoded.type).toBe(2);
    expect(decoded.nsp).toBe('/');
    expect(decoded.id).toBe(4);
    expect(Buffer.isBuffer(decoded.data[1])).toBe(true); // bin, as Python's msgpack gives bytes
    expect([...toBytes(decoded.data[1])!]).toEqual([...message]);
  });

  it('hands received bin to the Yjs code as a Uint8Array in the browser and in Node', () => {
    // What python msgpack writes for {"data": ["sync:message", b"\x00\x00\x01\x00"]}: bin 8.
    const payload = [0xc4, 4, 0, 0, 1, 0];
    const inBrowser = browserDecode(new Uint8Array(payload).buffer);
    expect(inBrowser).toBeInstanceOf(ArrayBuffer);
    expect([...toBytes(inBrowser)!]).toEqual([0, 0, 1, 0]);
    const inNode = nodeNotepack.decode(Buffer.from(payload));
    expect(toBytes(inNode)).toBeInstanceOf(Uint8Array);
    expect([...toBytes(inNode)!]).toEqual([0, 0, 1, 0]);
  });

  it('sends objects as JSON would: no undefined fields, toJSON honoured, arrays padded with null', () => {
    const payload = {
      stdin: undefined,
      to: 'p1',
      data: { sdp: 'v=0', extra: undefined, when: new Date(0), list: [1, undefined] },
      description: { toJSON: () => ({ type: 'offer', sdp: 'x' }) },
    };
    const wire = toWire(payload, 'msgpack');
    expect(wire).toEqual(JSON.parse(JSON.stringify(payload)));
    expect(Object.keys(wire as object)).toEqual(['to', 'data', 'description']);
    expect(toWire({}, 'msgpack')).toEqual({});
    expect(toWire({ candidate_can_run: false, text: 'é', n: 3 }, 'msgpack')).toEqual({ candidate_can_run: false, text: 'é', n: 3 });
  });

  it('copies only when a view does not cover its whole buffer', () => {
    const whole = new Uint8Array([1, 2, 3]);
    expect(exactArrayBuffer(whole)).toBe(whole.buffer);
    const part = whole.subarray(1);
    const copy = exactArrayBuffer(part);
    expect(copy).not.toBe(whole.buffer);
    expect(bytesOf(copy)).toEqual([2, 3]);
  });
});
