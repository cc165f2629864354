/**
 * The record page's whiteboard playback (lazy: it brings Excalidraw's exporter along): the
 * board's update log is streamed page by page into a timeline, any step of which renders as
 * SVG and exports as SVG or PNG.
 */
import { exportToBlob, exportToSvg } from '@excalidraw/excalidraw';

import { UpdateLog } from '../core/replay';
import { useOwnAssets } from './assets';
import { type BoardElement, sceneOf } from './boardCore';

/** Step `i` is the board after its first `i` updates (core/replay's UpdateLog). */
export class BoardTimeline {
  private readonly log: UpdateLog;

  constructor(private readonly mapName: string, checkpointEvery = 50) {
    this.log = new UpdateLog([], checkpointEvery);
  }

  get length(): number {
    return this.log.length;
  }

  push(update: Uint8Array): void {
    this.log.push(update);
  }

  /** The drawn (not deleted) elements after updates [0, step). */
  sceneAt(step: number): BoardElement[] {
    return this.log.at(step, (doc) =>
      sceneOf(doc.getMap<string>(this.mapName).entries()).filter((e) => !e.isDeleted));
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
