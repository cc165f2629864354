/**
 * The shared-code pane: the collaborative editor and its toolbar (language, font size, theme).
 * The language is part of the shared document (a Y.Map), so a change reaches everyone; font size
 * and theme are personal and remembered in localStorage, like the split between the editor and
 * the output below it (a drag handle that the arrow keys move too).
 */
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

import type { Language } from '../core/api';
import { h } from '../core/dom';
import { type CollabEditor, createCollabEditor, type Theme } from './collab';
import { loadSplit, saveSplit, SPLIT_MAX, SPLIT_MIN, splitAfterKey, splitAtPointer } from './split';
import { catalogueStarters, type StarterSource, switchAction } from './starters';

const PREFS_KEY = 'onsite.editor';
const FONT_SIZES = [12, 13, 14, 16, 18, 20, 24];

interface Prefs {
  theme: Theme;
  fontSize: number;
}

function loadPrefs(): Prefs {
  try {
    const raw = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as { theme?: string; fontSize?: number };
    return {
      theme: raw.theme === 'dark' ? 'dark' : 'light',
      fontSize: typeof raw.fontSize === 'number' && FONT_SIZES.includes(raw.fontSize) ? raw.fontSize : 14,
    };
  } catch {
    return { theme: 'light', fontSize: 14 };
  }
}

function savePrefs(prefs: Prefs): void {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Storage full or blocked: the choice just isn't remembered.
  }
}

export interface SharedEditorPane {
  el: HTMLElement;
  editor: CollabEditor;
  /** Shows the document's language in the picker and the highlighting. */
  applyLanguage(): void;
  /**
   * Writing (and switching language) waits for the first sync: a language picked before it
   * would race the room's own choice in the shared map, and either could win.
   */
  setEditable(editable: boolean): void;
  destroy(): void;
}

export function sharedEditorPane(options: {
  doc: Y.Doc;
  code: Y.Text;
  meta: Y.Map<string>;
  awareness: Awareness;
  languages: Language[];
  fallbackLanguage: string;
  footer: HTMLElement;
  onRunKey: () => void;
  /** Where a switched-to language's starter code comes from (default: the catalogue's). */
  starters?: StarterSource;
}): SharedEditorPane {
  const { doc, code, meta, languages } = options;
  const prefs = loadPrefs();
  const stubs = languages.map((l) => l.stub);

  const languageSelect = h('select', { id: 'room-language', disabled: true },
    languages.map((l) => h('option', { value: l.id }, `${l.name} (${l.version})`)));
  if (languages.length === 0) languageSelect.appendChild(h('option', { value: options.fallbackLanguage }, options.fallbackLanguage));
  const fontSelect = h('select', { id: 'room-font' },
    FONT_SIZES.map((px) => h('option', { value: String(px), selected: px === prefs.fontSize }, `${px}px`)));
  const themeButton = h('button', { type: 'button', class: 'btn btn-small' });
  const host = h('div', { class: 'editor-host' });

  const editor = createCollabEditor({
    parent: host,
    text: code,
    awareness: options.awareness,
    language: meta.get('language') ?? options.fallbackLanguage,
    readOnly: true, // until the room says we may write
    theme: prefs.theme,
    fontSize: prefs.fontSize,
    label: 'Shared code editor',
    keys: [{ key: 'Mod-Enter', run: () => { options.onRunKey(); return true; } }],
  });

  const renderTheme = (): void => {
    themeButton.textContent = prefs.theme === 'dark' ? 'Light theme' : 'Dark theme';
    themeButton.setAttribute('aria-pressed', String(prefs.theme === 'dark'));
    host.classList.toggle('dark', prefs.theme === 'dark');
  };
  renderTheme();
  themeButton.addEventListener('click', () => {
    prefs.theme = prefs.theme === 'dark' ? 'light' : 'dark';
    editor.setTheme(prefs.theme);
    renderTheme();
    savePrefs(prefs);
  });
  fontSelect.addEventListener('change', () => {
    prefs.fontSize = Number(fontSelect.value);
    editor.setFontSize(prefs.fontSize);
    savePrefs(prefs);
  });

  const applyLanguage = (): void => {
    const id = meta.get('language');
    if (!id) return;
    if (languageSelect.value !== id) languageSelect.value = id;
    editor.setLanguage(id);
  };
  meta.observe(applyLanguage);
  // Switching language: the highlighting follows at once (for everyone, through the shared
  // map); the code is replaced by the new starter only if nothing would be lost, otherwise the
  // starter is offered, and a replacement can be undone (the button, or Ctrl+Z).
  const starters = options.starters ?? catalogueStarters(languages);
  const offer = h('div', { class: 'starter-offer', role: 'status', 'aria-live': 'polite', hidden: true });
  const hideOffer = (): void => { offer.hidden = true; offer.replaceChildren(); };
  const replaceCode = (next: string): void => {
    editor.undoManager.stopCapturing();
    doc.transact(() => {
      code.delete(0, code.length);
      code.insert(0, next);
    });
    editor.undoManager.stopCapturing();
  };
  const offerUndo = (previous: string, inserted: string, label: string): void => {
    offer.replaceChildren(
      h('span', null, `Replaced the code with ${label}.`),
      h('button', {
        type: 'button',
        class: 'btn btn-small',
        onclick: () => {
          if (code.toString() === inserted) replaceCode(previous);
          hideOffer();
          editor.view.focus();
        },
      }, 'Undo'),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: hideOffer }, 'Dismiss'));
    offer.hidden = false;
  };
  languageSelect.addEventListener('change', () => {
    const nextId = languageSelect.value;
    const name = languages.find((l) => l.id === nextId)?.name ?? nextId;
    hideOffer();
    doc.transact(() => meta.set('language', nextId));
    void starters.starter(nextId).then((found) => {
      if (!found || meta.get('language') !== nextId) return;
      const action = switchAction(code.toString(), found.code, stubs);
      if (action === 'replace') replaceCode(found.code);
      if (action !== 'offer') return;
      offer.replaceChildren(
        h('span', null, `Now ${name}: the code is highlighted as ${name}. Keep it, or start from the starter code?`),
        h('button', {
          type: 'button',
          class: 'btn btn-small btn-primary',
          onclick: () => {
            const previous = code.toString();
            if (meta.get('language') !== nextId) { hideOffer(); return; }
            replaceCode(found.code);
            offerUndo(previous, found.code, found.label);
          },
        }, `Replace with ${found.label}`),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: hideOffer }, 'Keep the code'));
      offer.hidden = false;
    });
  });
  // Someone else switched again meanwhile: an offer for the old choice is stale.
  const onMetaForOffer = (): void => { if (!offer.hidden && meta.get('language') !== languageSelect.value) hideOffer(); };
  meta.observe(onMetaForOffer);

  const { el: split, destroy: destroySplit } = resizableSplit(host, options.footer);
  const el = h('section', { class: 'editor-pane', 'aria-label': 'Code' },
    h('div', { class: 'editor-toolbar' },
      h('label', { for: 'room-language', class: 'sr-only' }, 'Language'), languageSelect,
      h('label', { for: 'room-font', class: 'sr-only' }, 'Font size'), fontSelect,
      themeButton),
    offer,
    split);

  return {
    el,
    editor,
    applyLanguage,
    setEditable: (editable) => {
      editor.setReadOnly(!editable);
      languageSelect.disabled = !editable;
      if (!editable) hideOffer();
    },
    destroy: () => {
      destroySplit();
      meta.unobserve(applyLanguage);
      meta.unobserve(onMetaForOffer);
      editor.destroy();
    },
  };
}

/** The editor above, the output below, and the handle between them (a WAI-ARIA separator). */
function resizableSplit(top: HTMLElement, bottom: HTMLElement): { el: HTMLElement; destroy: () => void } {
  let share = loadSplit(localStorage);
  const handle = h('div', {
    class: 'split-handle',
    role: 'separator',
    tabindex: 0,
    'aria-orientation': 'horizontal',
    'aria-label': 'Resize the output panel',
    'aria-valuemin': Math.round(SPLIT_MIN * 100),
    'aria-valuemax': Math.round(SPLIT_MAX * 100),
    title: 'Drag, or use the arrow keys, to resize the output',
  });
  const el = h('div', { class: 'editor-split' }, top, handle, bottom);
  const apply = (next: number): void => {
    share = next;
    el.style.setProperty('--output-share', `${(share * 100).toFixed(1)}%`);
    handle.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    handle.setAttribute('aria-valuetext', `output ${Math.round(share * 100)}% of the height`);
  };
  apply(share);

  handle.addEventListener('keydown', (event) => {
    const next = splitAfterKey(share, event.key);
    if (next === null) return;
    event.preventDefault();
    apply(next);
    saveSplit(localStorage, share);
  });
  let dragging = false;
  handle.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    dragging = true;
    handle.setPointerCapture(event.pointerId);
    handle.classList.add('dragging');
  });
  handle.addEventListener('pointermove', (event) => {
    if (!dragging) return;
    const box = el.getBoundingClientRect();
    apply(splitAtPointer(event.clientY, box.top, box.height));
  });
  const stop = (event: PointerEvent): void => {
    if (!dragging) return;
    dragging = false;
    handle.classList.remove('dragging');
    if (handle.hasPointerCapture(event.pointerId)) handle.releasePointerCapture(event.pointerId);
    saveSplit(localStorage, share);
  };
  handle.addEventListener('pointerup', stop);
  handle.addEventListener('pointercancel', stop);
  return { el, destroy: () => { dragging = false; } };
}
