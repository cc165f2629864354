/**
 * The record page's whiteboard playback (lazy: it brings Excalidraw's exporter along): the
 * board's update log is streamed page by page into a timeline, any step of which renders as
 * SVG and exports as SVG or PNG.
 */
import { exportToBlob, exportToSvg } from '@excalidraw/excalidraw';
import * as Y from 'yjs';

import { useOwnAssets } from './assets';
import { type BoardElement, sceneOf } from './boardCore';

/** Step `i` is the board after its first `i` updates; seeks restart from a checkpoint. */
export class BoardTimeline {
  private readonly updates: Uint8Array[] = [];
  private readonly checkpoints = new Map<number, Uint8Array>();

  constructor(private readonly mapName: string, private readonly checkpointEvery = 50) {}

  get length(): number {
    return this.updates.length;
  }

  push(update: Uint8Array): void {
    this.updates.push(update);
  }

  /** The drawn (not deleted) elements after updates [0, step). */
  sceneAt(step: number): BoardElement[] {
    const target = Math.max(0, Math.min(step, this.updates.length));
    const doc = new Y.Doc();
    let from = 0;
    for (let c = Math.floor(target / this.checkpointEvery) * this.checkpointEvery; c > 0; c -= this.checkpointEvery) {
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
    const scene = sceneOf(doc.getMap<string>(this.mapName).entries()).filter((e) => !e.isDeleted);
    doc.destroy();
    return scene;
  }
}

type ExportElements = Parameters<typeof exportToSvg>[0]['elements'];
const APP_STATE = { exportBackground: true, viewBackgroundColor: '#ffffff' };

export async function sceneSvg(scene: BoardElement[]): Promise<SVGSVGElement> {
  useOwnAssets();
  return exportToSvg({ elements: scene as unknown as ExportElements, appState: APP_STATE, files: null });
}

export async function scenePng(scene: BoardElement[]): Promise<Blob> {
  useOwnAssets();
  return exportToBlob({ elements: scene as unknown as ExportElements, appState: APP_STATE, files: null, mimeType: 'image/png' });
}
