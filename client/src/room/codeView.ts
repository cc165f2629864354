/**
 * A read-only, highlighted view of some code (a recorded run's source): the same CodeMirror and
 * the same per-language modes as the room's editor, bundled, loaded on demand. No collaboration,
 * no cursor: selectable and copyable, that is all.
 */
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';

import { loadLanguage } from './languages';

export function readOnlyCode(parent: HTMLElement, source: string, languageId: string, label: string): EditorView {
  const language = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: source,
      extensions: [
        lineNumbers(),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.theme({
          '&': { fontSize: '13px', backgroundColor: '#ffffff', maxHeight: '420px' },
          '.cm-scroller': { overflow: 'auto' },
          '.cm-gutters': { backgroundColor: '#f6f8fa', color: '#8c959f', border: 'none' },
        }),
        language.of([]),
      ],
    }),
  });
  void loadLanguage(languageId).then((ext) => {
    view.dispatch({ effects: language.reconfigure(ext) });
    view.dom.dataset['language'] = languageId;
  });
  return view;
}
