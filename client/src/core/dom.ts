/** A tiny element builder: enough structure for forms and lists without a framework. */

export type Child = Node | string | number | null | undefined | false;
export type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
      } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled') {
        (el as unknown as Record<string, unknown>)[key] = value;
      } else if (value === true) {
        el.setAttribute(key, '');
      } else {
        el.setAttribute(key, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== null && child !== undefined && child !== false) {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replaceChildren(el: Element, ...children: (Child | Child[])[]): void {
  clear(el);
  append(el, children);
}

/** A labelled form field; the label's `for` ties it to the input for screen readers. */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLDivElement {
  if (!input.id) input.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    hint ? h('small', { class: 'hint' }, hint) : null,
  );
}

/** An inline alert area whose text screen readers announce. */
export function alertBox(): { el: HTMLDivElement; show: (text: string, kind?: 'error' | 'ok') => void; hide: () => void } {
  const el = h('div', { class: 'alert', role: 'alert', hidden: true });
  return {
    el,
    show(text, kind = 'error') {
      el.textContent = text;
      el.className = `alert alert-${kind}`;
      el.hidden = false;
    },
    hide() {
      el.hidden = true;
      el.textContent = '';
    },
  };
}
