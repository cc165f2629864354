import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeUpdate, MESSAGE_AWARENESS, MESSAGE_SYNC, toBytes, YSocketSync } from './ysync';

/**
 * A stand-in for the room server, doing what the protocol says it does (apply, answer, relay);
 * the real server is exercised by the browser tests in tests/browser/.
 */
class RelayServer {
  readonly doc = new Y.Doc();
  private readonly clients = new Map<string, (m: Uint8Array) => void>();

  constructor() {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      for (const [id, deliver] of this.clients) if (id !== origin) deliver(encodeUpdate(update));
    });
  }

  join(id: string, deliver: (m: Uint8Array) => void): void {
    this.clients.set(id, deliver);
    deliver(encodeSyncStep1(this.doc));
  }

  receive(id: string, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.readSyncMessage(decoder, encoder, this.doc, id);
      if (encoding.length(encoder) > 1) this.clients.get(id)?.(encoding.toUint8Array(encoder));
    } else if (type === MESSAGE_AWARENESS) {
      for (const [other, deliver] of this.clients) if (other !== id) deliver(message);
    }
  }
}

function client(server: RelayServer, id: string, queue: (() => void)[]) {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  // Deliveries are queued to mimic the network: nothing arrives synchronously.
  const sync = new YSocketSync(doc, { send: (m) => queue.push(() => server.receive(id, m)) }, awareness);
  server.join(id, (m) => queue.push(() => sync.receive(m.buffer.slice(m.byteOffset, m.byteOffset + m.byteLength))));
  sync.start();
  return { doc, awareness, sync, text: doc.getText('code') };
}

function drain(queue: (() => void)[]): void {
  for (let i = 0; i < 10_000 && queue.length; i++) queue.shift()!();
}

describe('YSocketSync', () => {
  it('brings a late joiner up to date and reports synced', async () => {
    const queue: (() => void)[] = [];
    const server = new RelayServer();
    server.doc.getText('code').insert(0, 'print(1)\n');
    const a = client(server, 'a', queue);
    expect(a.sync.synced).toBe(false);
    drain(queue);
    await a.sync.whenSynced();
    expect(a.text.toString()).toBe('print(1)\n');
  });

  it('converges when two clients type at the same time', () => {
    const queue: (() => void)[] = [];
    const server = new RelayServer();
    const a = client(server, 'a', queue);
    const b = client(server, 'b', queue);
    drain(queue);
    for (let i = 0; i < 20; i++) {
      a.text.insert(0, 'A');
      b.text.insert(b.text.length, 'b');
      if (i % 3 === 0) drain(queue);
    }
    drain(queue);
    expect(a.text.toString()).toBe(b.text.toString());
    expect(server.doc.getText('code').toString()).toBe(a.text.toString());
    expect(a.text.toString().replace(/[^A]/g, '')).toHaveLength(20);
    expect(a.text.toString().replace(/[^b]/g, '')).toHaveLength(20);
  });

  it('relays awareness so each side sees the other’s name', () => {
    const queue: (() => void)[] = [];
    const server = new RelayServer();
    const a = client(server, 'a', queue);
    const b = client(server, 'b', queue);
    a.awareness.setLocalStateField('user', { name: 'Ann' });
    b.awareness.setLocalStateField('user', { name: 'Bob' });
    drain(queue);
    const names = (aw: Awareness) => [...aw.getStates().values()].map((s) => (s['user'] as { name: string }).name).sort();
    expect(names(a.awareness)).toEqual(['Ann', 'Bob']);
    expect(names(b.awareness)).toEqual(['Ann', 'Bob']);
    b.sync.dispose();
    drain(queue);
    expect(names(a.awareness)).toEqual(['Ann']);
  });

  it('ignores empty and non-binary payloads', () => {
    const doc = new Y.Doc();
    const sent: Uint8Array[] = [];
    const sync = new YSocketSync(doc, { send: (m) => sent.push(m) }, null);
    sync.receive('text');
    sync.receive(new Uint8Array());
    expect(sent).toEqual([]);
    expect(toBytes(new Uint8Array([1]).buffer)).toEqual(new Uint8Array([1]));
    expect(toBytes({})).toBeNull();
  });
});
