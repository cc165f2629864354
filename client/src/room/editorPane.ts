/**
 * The shared-code pane: the collaborative editor and its toolbar (language, font size, theme).
 * The language is part of the shared document (a Y.Map), so a change reaches everyone; font size
 * and theme are personal and remembered in localStorage.
 */
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

import type { Language } from '../core/api';
import { h } from '../core/dom';
import { type CollabEditor, createCollabEditor, type Theme } from './collab';
import { shouldReplaceCode } from './stubs';

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
  languageSelect.addEventListener('change', () => {
    const next = languages.find((l) => l.id === languageSelect.value);
    doc.transact(() => {
      meta.set('language', languageSelect.value);
      if (next && shouldReplaceCode(code.toString(), stubs)) {
        code.delete(0, code.length);
        code.insert(0, next.stub);
      }
    });
  });

  const el = h('section', { class: 'editor-pane', 'aria-label': 'Code' },
    h('div', { class: 'editor-toolbar' },
      h('label', { for: 'room-language', class: 'sr-only' }, 'Language'), languageSelect,
      h('label', { for: 'room-font', class: 'sr-only' }, 'Font size'), fontSelect,
      themeButton),
    host,
    options.footer);

  return {
    el,
    editor,
    applyLanguage,
    setEditable: (editable) => {
      editor.setReadOnly(!editable);
      languageSelect.disabled = !editable;
    },
    destroy: () => {
      meta.unobserve(applyLanguage);
      editor.destroy();
    },
  };
}
