/** Accessible tabs (WAI-ARIA tabs pattern: arrow keys move between tabs, one tab stop). */
import { h } from '../core/dom';

export interface TabSpec {
  id: string;
  label: string;
  panel: HTMLElement;
  badge?: HTMLElement;
  onShow?: (visible: boolean) => void;
}

export function sideTabs(
  tabs: TabSpec[],
  initial: string,
  options: { label?: string; listClass?: string; panelsClass?: string } = {},
): { tabList: HTMLElement; panels: HTMLElement; select: (id: string, focus?: boolean) => void } {
  const tabList = h('div', { class: options.listClass ?? 'tabs', role: 'tablist', 'aria-label': options.label ?? 'Side panels' });
  const panels = h('div', { class: options.panelsClass ?? 'tab-panels' });
  const buttons = new Map<string, HTMLButtonElement>();

  const select = (id: string, focus = false): void => {
    for (const t of tabs) {
      const on = t.id === id;
      const button = buttons.get(t.id);
      if (button) {
        button.setAttribute('aria-selected', String(on));
        button.tabIndex = on ? 0 : -1;
        if (on && focus) button.focus();
      }
      t.panel.hidden = !on;
      t.onShow?.(on);
    }
  };

  tabs.forEach((t, i) => {
    const button = h('button', { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}`, class: 'tab' },
      t.label, t.badge ?? null);
    button.addEventListener('click', () => select(t.id));
    button.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      event.preventDefault();
      const step = event.key === 'ArrowRight' ? 1 : tabs.length - 1;
      select(tabs[(i + step) % tabs.length]!.id, true);
    });
    buttons.set(t.id, button);
    tabList.appendChild(button);
    t.panel.setAttribute('role', 'tabpanel');
    t.panel.id = `panel-${t.id}`;
    t.panel.setAttribute('aria-labelledby', `tab-${t.id}`);
    panels.appendChild(t.panel);
  });
  select(initial);
  return { tabList, panels, select };
}
