import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64, ReplayTimeline } from './replay';

/** Records every update of a typing session, like the room's update log does. */
function recordSession(steps: ((text: Y.Text) => void)[]): { updates: Uint8Array[]; texts: string[] } {
  const doc = new Y.Doc();
  const text = doc.getText('code');
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const texts = [''];
  for (const step of steps) {
    step(text);
    texts.push(text.toString());
  }
  return { updates, texts };
}

describe('ReplayTimeline', () => {
  const steps: ((t: Y.Text) => void)[] = [];
  for (let i = 0; i < 250; i++) {
    steps.push((t) => t.insert(t.length, String.fromCharCode(97 + (i % 26))));
    if (i % 40 === 39) steps.push((t) => t.delete(0, 5));
  }
  const { updates, texts } = recordSession(steps);

  it('shows the text after each step, seeking forwards and backwards', () => {
    const timeline = new ReplayTimeline(updates, 'code', 16);
    expect(timeline.length).toBe(texts.length - 1);
    for (const step of [0, 1, 17, 200, 3, 256, 31, 32, 33, texts.length - 1]) {
      expect(timeline.textAt(step)).toBe(texts[step]);
    }
  });

  it('clamps out-of-range steps', () => {
    const timeline = new ReplayTimeline(updates, 'code');
    expect(timeline.textAt(-5)).toBe('');
    expect(timeline.textAt(10_000)).toBe(texts[texts.length - 1]);
  });

  it('decodes the API’s base64 updates', () => {
    const raw = updates[0]!;
    const b64 = btoa(String.fromCharCode(...raw));
    expect(decodeBase64(b64)).toEqual(raw);
  });
});
