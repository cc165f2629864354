/**
 * An in-page confirmation for destructive actions: a modal <dialog> (focus stays inside, Escape
 * cancels, the page behind is inert), never window.confirm. Cancel has the focus at first, so a
 * stray Enter does no harm.
 */
import { h } from './dom';

export interface ConfirmOptions {
  title: string;
  body?: string;
  confirm: string;
  cancel?: string;
  danger?: boolean;
}

export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = `dlg-${Math.random().toString(36).slice(2, 9)}`;
    const cancel = h('button', { type: 'button', class: 'btn' }, options.cancel ?? 'Cancel');
    const confirm = h('button', { type: 'button', class: `btn ${options.danger === false ? 'btn-primary' : 'btn-danger'}` }, options.confirm);
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, options.title),
      options.body ? h('p', { class: 'dialog-body' }, options.body) : null,
      h('div', { class: 'dialog-actions' }, cancel, confirm));
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    // A click on the backdrop (the dialog element itself, outside its box) cancels too.
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
