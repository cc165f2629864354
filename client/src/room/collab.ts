/**
 * One factory for a collaborative editor: CodeMirror bound to a Y.Text (y-codemirror.next), remote
 * cursors from an Awareness, shared undo. Language, read-only mode, theme and font size sit in
 * Compartments so they change in place: rebuilding the editor would drop the binding and cursors.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

import { loadLanguage } from './languages';

export type Theme = 'light' | 'dark';

export interface CollabEditorOptions {
  parent: HTMLElement;
  text: Y.Text;
  awareness: Awareness | null;
  language?: string;
  readOnly?: boolean;
  theme?: Theme;
  fontSize?: number;
  label: string;
  /** Extra key bindings that win over the defaults (e.g. Mod-Enter to run). */
  keys?: { key: string; run: () => boolean }[];
  /**
   * Prose, not code (the interviewer's notes): lines wrap, a proportional font, no gutters,
   * no bracket closing or completion.
   */
  prose?: boolean;
  /** Shown while the document is empty. */
  placeholder?: string;
}

export interface CollabEditor {
  view: EditorView;
  undoManager: Y.UndoManager;
  setLanguage(languageId: string): void;
  setReadOnly(readOnly: boolean): void;
  setTheme(theme: Theme): void;
  setFontSize(px: number): void;
  destroy(): void;
}

const lightTheme = EditorView.theme({
  '&': { backgroundColor: '#ffffff', color: '#1f2328' },
  '.cm-gutters': { backgroundColor: '#f6f8fa', color: '#8c959f', border: 'none' },
});

function themeExtension(theme: Theme): Extension {
  return theme === 'dark' ? oneDark : [lightTheme, syntaxHighlighting(defaultHighlightStyle, { fallback: true })];
}

function fontSizeExtension(px: number): Extension {
  return EditorView.theme({ '&': { fontSize: `${px}px` }, '.cm-content, .cm-gutter': { minHeight: '100%' } });
}

const proseTheme = EditorView.theme({
  '.cm-scroller': { fontFamily: 'inherit', lineHeight: '1.55' },
  '.cm-content': { padding: '0.5rem 0.6rem' },
});

/** The code editor's helpers; prose gets none of them, only wrapping. */
function codeExtensions(): Extension {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    foldGutter(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    autocompletion(),
    highlightActiveLine(),
    highlightSelectionMatches(),
  ];
}

function readOnlyExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

export function createCollabEditor(options: CollabEditorOptions): CollabEditor {
  const language = new Compartment();
  const readOnly = new Compartment();
  const theme = new Compartment();
  const fontSize = new Compartment();
  const undoManager = new Y.UndoManager(options.text);

  const state = EditorState.create({
    doc: options.text.toString(),
    extensions: [
      keymap.of(options.keys ?? []),
      options.prose ? [EditorView.lineWrapping, proseTheme] : codeExtensions(),
      drawSelection(),
      options.placeholder ? placeholder(options.placeholder) : [],
      keymap.of([
        ...yUndoManagerKeymap,
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...searchKeymap,
        ...completionKeymap,
        indentWithTab,
      ]),
      EditorView.contentAttributes.of({ 'aria-label': options.label }),
      language.of([]),
      readOnly.of(readOnlyExtension(options.readOnly ?? false)),
      theme.of(themeExtension(options.theme ?? 'light')),
      fontSize.of(fontSizeExtension(options.fontSize ?? 14)),
      yCollab(options.text, options.awareness, { undoManager }),
    ],
  });
  const view = new EditorView({ state, parent: options.parent });

  // Modes load on demand; when the language changes twice quickly, only the last one applies.
  let languageRequest = 0;
  let destroyed = false;
  const setLanguage = (id: string): void => {
    const request = ++languageRequest;
    void loadLanguage(id).then((ext) => {
      if (destroyed || request !== languageRequest) return;
      view.dispatch({ effects: language.reconfigure(ext) });
      view.dom.dataset['language'] = id; // which mode is live (styling hooks, tests)
    });
  };
  setLanguage(options.language ?? 'plain');

  return {
    view,
    undoManager,
    setLanguage,
    setReadOnly: (value) => view.dispatch({ effects: readOnly.reconfigure(readOnlyExtension(value)) }),
    setTheme: (value) => view.dispatch({ effects: theme.reconfigure(themeExtension(value)) }),
    setFontSize: (px) => view.dispatch({ effects: fontSize.reconfigure(fontSizeExtension(px)) }),
    destroy: () => {
      destroyed = true;
      view.destroy();
      undoManager.destroy();
    },
  };
}
