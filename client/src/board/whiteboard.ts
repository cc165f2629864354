/**
 * The room's whiteboard: Excalidraw (React) bound to the room's shared Y.Map of elements.
 *
 * This module, React and Excalidraw form their own chunk: the room page imports it only when the
 * Whiteboard tab is first opened. The scene itself is synchronised from the moment the room
 * opens (the map lives in a small Y.Doc the page keeps), so a tab opened late shows it at once.
 *
 * Local changes are written to the map at most every FLUSH_MS (a freehand stroke changes its
 * element on every pointer move; each write carries the whole element), and only the elements
 * whose version changed (boardCore.changedElements). Remote changes are folded into the scene
 * with Excalidraw's own rule (boardCore.mergeScenes) and kept out of the undo history.
 */
import '@excalidraw/excalidraw/index.css';

import { CaptureUpdateAction, Excalidraw } from '@excalidraw/excalidraw';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import type * as Y from 'yjs';

import { type BoardElement, changedElements, encodeElement, mergeScenes, parseElement, sceneOf, stamp } from './boardCore';
import { useOwnAssets } from './assets';

const FLUSH_MS = 60;
/** The transaction origin of our own writes, so the map's observer skips them. */
const LOCAL = Symbol('whiteboard');

export interface Whiteboard {
  /** Shows another map (the page replaced its board document after a refused change). */
  bind(map: Y.Map<string>): void;
  setReadOnly(readOnly: boolean): void;
  dispose(): void;
}

type SceneElements = Parameters<ExcalidrawImperativeAPI['updateScene']>[0]['elements'];

export function mountWhiteboard(host: HTMLElement, map: Y.Map<string>, options: { readOnly: boolean }): Whiteboard {
  useOwnAssets();
  let api: ExcalidrawImperativeAPI | null = null;
  let current = map;
  let readOnly = options.readOnly;
  let applyingRemote = false;
  let pending: readonly BoardElement[] | null = null;
  let timer = 0;
  const known = new Map<string, string>();

  const remember = (): BoardElement[] => {
    known.clear();
    const scene = sceneOf(current.entries());
    for (const element of scene) known.set(element.id, stamp(element));
    return scene;
  };

  const flush = (): void => {
    timer = 0;
    const local = pending;
    pending = null;
    if (!local || readOnly) return;
    const changed = changedElements(local, known, (id) => parseElement(current.get(id)));
    if (changed.length === 0) return;
    const doc = current.doc;
    const write = (): void => {
      for (const element of changed) {
        current.set(element.id, encodeElement(element));
        known.set(element.id, stamp(element));
      }
    };
    if (doc) doc.transact(write, LOCAL);
    else write();
  };

  /** How many elements are drawn, on the host (data-elements), for tests and assistive tech. */
  const count = (elements: readonly unknown[]): void => {
    const drawn = (elements as readonly BoardElement[]).filter((e) => !e.isDeleted).length;
    host.dataset['elements'] = String(drawn);
  };

  const onChange = (elements: readonly unknown[]): void => {
    count(elements);
    if (applyingRemote || readOnly) return;
    pending = elements as readonly BoardElement[];
    if (!timer) timer = window.setTimeout(flush, FLUSH_MS);
  };

  const showScene = (elements: BoardElement[]): void => {
    if (!api) return;
    applyingRemote = true;
    try {
      api.updateScene({ elements: elements as unknown as SceneElements, captureUpdate: CaptureUpdateAction.NEVER });
    } finally {
      applyingRemote = false;
    }
  };

  const onRemote = (event: Y.YMapEvent<string>, transaction: Y.Transaction): void => {
    if (transaction.origin === LOCAL) return;
    const remote: BoardElement[] = [];
    for (const key of event.keysChanged) {
      const element = parseElement(current.get(key));
      if (!element || element.id !== key) continue;
      remote.push(element);
      known.set(key, stamp(element));
    }
    if (!api || remote.length === 0) return;
    const local = api.getSceneElementsIncludingDeleted() as unknown as readonly BoardElement[];
    showScene(mergeScenes(local, remote));
  };

  const initial = remember();
  count(initial);
  current.observe(onRemote);
  const root = createRoot(host);
  const render = (): void => {
    root.render(createElement(Excalidraw, {
      excalidrawAPI: (ready: ExcalidrawImperativeAPI) => { api = ready; },
      initialData: { elements: initial as unknown as SceneElements, appState: { viewBackgroundColor: '#ffffff' } },
      onChange: (elements: readonly unknown[]) => onChange(elements),
      viewModeEnabled: readOnly,
      isCollaborating: true,
      UIOptions: {
        // Images would travel as files, which the room does not carry; loading and saving
        // scenes is the record page's job (PNG/SVG export there).
        tools: { image: false },
        canvasActions: { loadScene: false, saveToActiveFile: false, export: false },
      },
    }));
  };
  render();

  return {
    bind(next: Y.Map<string>): void {
      current.unobserve(onRemote);
      window.clearTimeout(timer);
      timer = 0;
      pending = null;
      current = next;
      const scene = remember();
      current.observe(onRemote);
      showScene(scene);
    },
    setReadOnly(next: boolean): void {
      if (next === readOnly) return;
      if (next) flush();
      readOnly = next;
      render();
    },
    dispose(): void {
      window.clearTimeout(timer);
      current.unobserve(onRemote);
      root.unmount();
    },
  };
}
