/**
 * Keeps a Y.Doc (and optionally its Awareness) in step with the server's copy over one Socket.IO
 * event carrying y-protocols messages, the same wire format y-websocket uses:
 * `[0, sync message]` for the document and `[1, awareness update]` for cursors and names.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;

export interface SyncChannel {
  send(message: Uint8Array): void;
}

export function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(encoder);
}

export class YSocketSync {
  private syncedFlag = false;
  private readonly syncedWaiters: (() => void)[] = [];
  private readonly onDocUpdate: (update: Uint8Array, origin: unknown) => void;
  private readonly onAwarenessUpdate: (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => void;

  constructor(
    private readonly doc: Y.Doc,
    private readonly channel: SyncChannel,
    private readonly awareness: awarenessProtocol.Awareness | null,
  ) {
    this.onDocUpdate = (update, origin) => {
      if (origin !== this) this.channel.send(encodeUpdate(update));
    };
    this.onAwarenessUpdate = ({ added, updated, removed }, origin) => {
      if (origin === this || !this.awareness) return;
      this.channel.send(encodeAwareness(this.awareness, [...added, ...updated, ...removed]));
    };
    doc.on('update', this.onDocUpdate);
    awareness?.on('update', this.onAwarenessUpdate);
  }

  get synced(): boolean {
    return this.syncedFlag;
  }

  whenSynced(): Promise<void> {
    if (this.syncedFlag) return Promise.resolve();
    return new Promise((resolve) => this.syncedWaiters.push(resolve));
  }

  /** Called on every (re)connect: ask for what we lack and announce who we are. */
  start(): void {
    this.channel.send(encodeSyncStep1(this.doc));
    if (this.awareness?.getLocalState()) {
      this.channel.send(encodeAwareness(this.awareness, [this.doc.clientID]));
    }
  }

  receive(data: unknown): void {
    const bytes = toBytes(data);
    if (!bytes || bytes.length === 0) return;
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const syncType = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (encoding.length(encoder) > 1) this.channel.send(encoding.toUint8Array(encoder));
      if (syncType === syncProtocol.messageYjsSyncStep2 && !this.syncedFlag) {
        this.syncedFlag = true;
        for (const resolve of this.syncedWaiters.splice(0)) resolve();
      }
    } else if (type === MESSAGE_AWARENESS && this.awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }

  dispose(): void {
    this.doc.off('update', this.onDocUpdate);
    if (this.awareness) {
      // Tell the others our cursor is gone before we stop listening.
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'dispose');
      this.awareness.off('update', this.onAwarenessUpdate);
    }
  }
}
