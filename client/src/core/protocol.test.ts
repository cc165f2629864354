import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EV, eventName, parseSerializer, protocol, SERIALIZER, validatePayload } from './protocol';

describe('protocol', () => {
  it('is the file in config/, not a copy', () => {
    const onDisk = JSON.parse(readFileSync(new URL('../../../config/protocol.json', import.meta.url), 'utf8')) as unknown;
    expect(protocol).toEqual(onDisk);
  });
  it('defines every event the client uses, in the right direction', () => {
    for (const name of Object.values(EV)) expect(protocol.events[name]).toBeDefined();
    expect(() => eventName('no:such', 'send')).toThrow(/not in config/);
    expect(() => eventName('chat:message', 'send')).toThrow(/cannot be sent/);
  });
  it('handles every event the server emits', () => {
    const handled = new Set<string>(Object.values(EV));
    const serverEvents = Object.entries(protocol.events)
      .filter(([, spec]) => spec.from !== 'client')
      .map(([name]) => name);
    expect(serverEvents.filter((name) => !handled.has(name))).toEqual([]);
  });
  it('validates outgoing payloads like the server does', () => {
    expect(validatePayload('chat:send', { text: 'hi' })).toBeNull();
    expect(validatePayload('chat:send', { text: '' })).toMatch(/too short/);
    expect(validatePayload('chat:send', { text: 'x'.repeat(protocol.limits['chat_max_chars']! + 1) })).toMatch(/too long/);
    expect(validatePayload('chat:send', { text: 'hi', extra: 1 })).toMatch(/unknown field/);
    expect(validatePayload('run:start', {})).toBeNull();
    expect(validatePayload('signal:send', { to: 'p', kind: 'shout', data: null })).toMatch(/one of/);
    expect(validatePayload('sync:message', new Uint8Array([0, 0]))).toBeNull();
    expect(validatePayload('sync:message', 'text')).toMatch(/binary/);
  });
  it('reads the wire serializer and refuses one it does not know', () => {
    expect(SERIALIZER).toBe(parseSerializer(protocol.serializer));
    expect(parseSerializer('msgpack')).toBe('msgpack');
    expect(() => parseSerializer('json')).toThrow(/the server speaks "msgpack"/);
    expect(() => parseSerializer('default')).toThrow(/unknown serializer "default"/);
    expect(() => parseSerializer(undefined)).toThrow(/unknown serializer/);
    expect(() => parseSerializer('cbor')).toThrow(/unknown serializer "cbor"/);
    expect(() => parseSerializer('MsgPack')).toThrow(/config\/protocol.json/);
    expect(() => parseSerializer(null)).toThrow(/unknown serializer/);
  });
});
