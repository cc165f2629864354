/**
 * Keystroke-by-keystroke replay of an interview's code from the room's update log: step `i` is
 * the document after the first `i` updates. Seeking restarts from the nearest checkpoint (the
 * encoded state every `checkpointEvery` steps), so scrubbing back and forth stays cheap even for
 * long interviews.
 */
import * as Y from 'yjs';

export interface ReplayStep {
  author_name: string;
  author_role: string;
  created_at: string;
}

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * A document's update log, replayable to any step: step `i` is the document after its first `i`
 * updates. Seeks restart from the nearest checkpoint (the encoded state every `checkpointEvery`
 * steps). Shared by the code replay and the whiteboard's playback.
 */
export class UpdateLog {
  private readonly checkpoints = new Map<number, Uint8Array>();

  constructor(
    private readonly updates: Uint8Array[] = [],
    private readonly checkpointEvery = 100,
  ) {}

  get length(): number {
    return this.updates.length;
  }

  push(update: Uint8Array): void {
    this.updates.push(update);
  }

  /** What `read` takes from the document after updates [0, step). */
  at<T>(step: number, read: (doc: Y.Doc) => T): T {
    const target = Math.max(0, Math.min(step, this.updates.length));
    const base = Math.floor(target / this.checkpointEvery) * this.checkpointEvery;
    let from = 0;
    const doc = new Y.Doc();
    for (let c = base; c > 0; c -= this.checkpointEvery) {
      const saved = this.checkpoints.get(c);
      if (saved) {
        Y.applyUpdate(doc, saved);
        from = c;
        break;
      }
    }
    for (let i = from; i < target; i++) {
      Y.applyUpdate(doc, this.updates[i]!);
      const done = i + 1;
      if (done % this.checkpointEvery === 0 && !this.checkpoints.has(done)) {
        this.checkpoints.set(done, Y.encodeStateAsUpdate(doc));
      }
    }
    try {
      return read(doc);
    } finally {
      doc.destroy();
    }
  }
}

export class ReplayTimeline {
  private readonly log: UpdateLog;

  constructor(updates: Uint8Array[], private readonly textName: string, checkpointEvery = 100) {
    this.log = new UpdateLog(updates, checkpointEvery);
  }

  get length(): number {
    return this.log.length;
  }

  /** The text after applying updates [0, step). */
  textAt(step: number): string {
    return this.log.at(step, (doc) => doc.getText(this.textName).toString());
  }
}
