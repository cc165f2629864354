/** Sign up, log in (with any configured OpenID Connect provider), password reset, account deletion. */
import { currentUser, forgetUser, type PageContext, requireUser, safeNext, type View } from '../app';
import { ApiError, http, type Provider, type User } from '../core/api';
import { confirmDialog } from '../core/dialog';
import { alertBox, field, h } from '../core/dom';

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

function authCard(title: string, ...children: (Node | null)[]): HTMLElement {
  return h(
    'div',
    { class: 'auth-wrap' },
    h('div', { class: 'auth-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'), 'Onsite'),
    h('section', { class: 'card auth-card' }, h('h1', null, title), ...children),
  );
}

/** Runs a form submission with the button disabled and any API error shown in the alert. */
function onSubmit(
  form: HTMLFormElement,
  alert: ReturnType<typeof alertBox>,
  action: () => Promise<void>,
): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button) button.disabled = true;
    alert.hide();
    action()
      .catch((error: unknown) => {
        alert.show(errorText(error));
      })
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}

export async function loginPage(ctx: PageContext): Promise<View> {
  const next = safeNext(ctx.query.get('next'));
  if (await currentUser().catch(() => null)) {
    ctx.navigate(next, true);
  }
  const alert = alertBox();
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'stack', novalidate: false },
    alert.el,
    field('Email', email),
    field('Password', password),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Log in'),
  );
  onSubmit(form, alert, async () => {
    await http.post<{ user: User }>('/api/auth/login', { email: email.value.trim(), password: password.value });
    forgetUser();
    ctx.navigate(next, true);
  });
  const providers = h('div', { class: 'oidc' });
  http
    .get<Provider[]>('/api/auth/oidc/providers')
    .then((list) => {
      if (!Array.isArray(list) || list.length === 0) return;
      providers.append(
        h('div', { class: 'divider' }, h('span', null, 'or')),
        ...list.map((p) =>
          h('a', {
            class: 'btn btn-block',
            href: `/api/auth/oidc/${encodeURIComponent(p.id)}/login?next=${encodeURIComponent(next)}`,
          }, `Continue with ${p.name}`),
        ),
      );
    })
    .catch(() => undefined);
  const reason = ctx.query.get('error');
  const notice = ctx.query.get('notice');
  if (reason) alert.show(reason);
  else if (notice) alert.show(notice, 'ok');
  return {
    title: 'Log in',
    chrome: 'bare',
    el: authCard(
      'Log in',
      form,
      providers,
      h('p', { class: 'auth-links' },
        h('a', { href: '/forgot-password' }, 'Forgot your password?'), ' · ',
        h('a', { href: `/register${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}` }, 'Create an account')),
    ),
  };
}

export async function registerPage(ctx: PageContext): Promise<View> {
  const next = safeNext(ctx.query.get('next'));
  const alert = alertBox();
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name', required: true, maxlength: 100 });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 8,
    maxlength: 72,
  });
  const form = h(
    'form',
    { class: 'stack' },
    alert.el,
    field('Your name', name),
    field('Work email', email),
    field('Password', password, 'At least 8 characters.'),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Create account'),
  );
  onSubmit(form, alert, async () => {
    const answer = await http.post<{ status?: string; message?: string }>('/api/auth/register', {
      email: email.value.trim(),
      password: password.value,
      name: name.value.trim(),
    });
    if (answer.status === 'accepted') {
      // The address must be confirmed first: the mailed link finishes the sign-up.
      alert.show(answer.message ?? 'Check your e-mail to confirm the address.', 'ok');
      form.reset();
      return;
    }
    forgetUser();
    ctx.navigate(next, true);
  });
  return {
    title: 'Create an account',
    chrome: 'bare',
    el: authCard('Create your account', form, h('p', { class: 'auth-links' }, 'Already have one? ', h('a', { href: '/login' }, 'Log in'))),
  };
}

export async function forgotPage(): Promise<View> {
  const alert = alertBox();
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const form = h(
    'form',
    { class: 'stack' },
    h('p', { class: 'muted' }, 'Enter your email and we will send you a link to choose a new password.'),
    alert.el,
    field('Email', email),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Send reset link'),
  );
  onSubmit(form, alert, async () => {
    await http.post('/api/auth/password/forgot', { email: email.value.trim() });
    alert.show('If an account exists for that address, a reset link is on its way.', 'ok');
    form.reset();
  });
  return {
    title: 'Forgot password',
    chrome: 'bare',
    el: authCard('Reset your password', form, h('p', { class: 'auth-links' }, h('a', { href: '/login' }, 'Back to log in'))),
  };
}

/** An e-mailed token: from the fragment (links since it moved there) or the query (older
 * links), then wiped from the address bar so it does not linger in the history. */
function linkToken(ctx: PageContext): string {
  const token = ctx.fragment.get('token') ?? ctx.query.get('token') ?? '';
  if (token) history.replaceState(history.state, '', location.pathname);
  return token;
}

export async function resetPage(ctx: PageContext): Promise<View> {
  const token = linkToken(ctx);
  const alert = alertBox();
  const password = h('input', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    minlength: 8,
    maxlength: 72,
  });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const endKeys = h('input', { type: 'checkbox', name: 'end_api_keys' });
  const form = h(
    'form',
    { class: 'stack' },
    alert.el,
    field('New password', password, 'At least 8 characters.'),
    field('Repeat the new password', confirm),
    h('label', { class: 'check' }, endKeys, ' Also revoke all my API keys'),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Set new password'),
  );
  if (!token) alert.show('This link has no reset token. Ask for a new link.');
  onSubmit(form, alert, async () => {
    if (password.value !== confirm.value) throw new Error('The two passwords differ.');
    await http.post('/api/auth/password/reset', { token, password: password.value, end_api_keys: endKeys.checked });
    ctx.navigate('/login?notice=' + encodeURIComponent('Password changed. Log in with the new one.'), true);
  });
  return { title: 'Choose a new password', chrome: 'bare', el: authCard('Choose a new password', form) };
}

/** The mailed confirmation link: the password proves it is the one who signed up. */
export async function verifyEmailPage(ctx: PageContext): Promise<View> {
  const token = linkToken(ctx);
  const alert = alertBox();
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'stack' },
    h('p', { class: 'muted' }, 'Enter the password you chose to confirm your address and sign in.'),
    alert.el,
    field('Password', password),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Confirm and sign in'),
  );
  if (!token) alert.show('This link has no confirmation token. Sign in to get a new one.');
  onSubmit(form, alert, async () => {
    await http.post('/api/auth/email/verify', { token, password: password.value });
    forgetUser();
    ctx.navigate('/', true);
  });
  return {
    title: 'Confirm your address',
    chrome: 'bare',
    el: authCard('Confirm your e-mail address', form,
      h('p', { class: 'auth-links' }, 'Not you? ', h('a', { href: '/forgot-password' }, 'Reset the password instead'))),
  };
}

/** An invitation link: who it is for, then the new member's name and password. */
export async function invitationPage(ctx: PageContext): Promise<View> {
  const token = linkToken(ctx);
  const alert = alertBox();
  const lead = h('p', { class: 'muted' }, 'Checking your invitation…');
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'name', required: true, maxlength: 100 });
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 72 });
  const button = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Join');
  const form = h('form', { class: 'stack' }, lead, alert.el, field('Your name', name),
    field('Password', password, 'At least 8 characters.'), button);
  if (!token) {
    lead.textContent = '';
    alert.show('This link has no invitation token. Ask your admin for a new one.');
  } else {
    try {
      const info = await http.post<{ email: string; organization: string; role: string }>(
        '/api/auth/invitations/inspect', { token });
      lead.textContent = `You are invited to ${info.organization} as ${info.email}.`;
    } catch (error) {
      lead.textContent = '';
      alert.show(errorText(error));
      button.disabled = true;
    }
  }
  onSubmit(form, alert, async () => {
    await http.post('/api/auth/invitations/accept', { token, name: name.value.trim(), password: password.value });
    forgetUser();
    ctx.navigate('/', true);
  });
  return { title: 'Join your team', chrome: 'bare', el: authCard('Join your team on Onsite', form) };
}

/** How candidates enter this interviewer's rooms: as soon as the interviewer is there, or admitted. */
function roomEntrySection(user: User): HTMLElement {
  const alert = alertBox();
  const choice = (value: 'auto' | 'manual', label: string, hint: string): HTMLElement => {
    const input = h('input', { type: 'radio', name: 'admit_candidates', value, checked: (user.admit_candidates ?? 'auto') === value });
    input.addEventListener('change', () => {
      if (!input.checked) return;
      http.patch<User>('/api/auth/me', { admit_candidates: value })
        .then((updated) => {
          user.admit_candidates = updated.admit_candidates;
          alert.show('Saved. Rooms opened from now on follow it.', 'ok');
        })
        .catch((error: unknown) => alert.show(error instanceof Error ? error.message : 'Not saved.'));
    });
    return h('label', { class: 'check choice' }, input, h('span', null, h('strong', null, label), h('br'), h('span', { class: 'muted small' }, hint)));
  };
  return h('section', { class: 'card' },
    h('h2', null, 'Waiting room'),
    h('p', { class: 'muted' }, 'A candidate who arrives before you waits in a lobby with a camera check; the interview starts when you join.'),
    alert.el,
    h('fieldset', { class: 'stack plain-fieldset' },
      h('legend', { class: 'sr-only' }, 'When candidates enter'),
      choice('auto', 'Let candidates in when I am in the room', 'They enter as soon as you join (or at once, if you are already there).'),
      choice('manual', 'I admit each candidate myself', 'They wait in the lobby until you press Admit in the room.')));
}

export async function accountPage(ctx: PageContext): Promise<View> {
  const user = await requireUser(ctx);
  const alert = alertBox();
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'stack' },
    h('p', null, 'Deleting your account removes every interview record, schedule and room you own. ',
      'We e-mail you a confirmation link first; nothing is deleted until you open it.'),
    alert.el,
    field('Confirm with your password', password),
    h('button', { type: 'submit', class: 'btn btn-danger' }, 'Email me a deletion link'),
  );
  onSubmit(form, alert, async () => {
    await http.post('/api/auth/account/delete', { password: password.value });
    alert.show(`Check ${user.email}: the link in that e-mail deletes the account for good.`, 'ok');
    form.reset();
  });
  const keys = apiKeysSection();
  const admitting = roomEntrySection(user);
  return {
    title: 'Account',
    chrome: 'app',
    el: h(
      'div',
      { class: 'stack-lg narrow' },
      h('h1', null, 'Account'),
      h('section', { class: 'card' },
        h('h2', null, 'Profile'),
        h('dl', { class: 'facts' },
          h('dt', null, 'Name'), h('dd', null, user.name),
          h('dt', null, 'Email'), h('dd', null, user.email),
          h('dt', null, 'Member since'), h('dd', null, new Date(user.created_at).toLocaleDateString()))),
      admitting,
      keys,
      h('section', { class: 'card danger-zone' }, h('h2', null, 'Delete account'), form),
    ),
  };
}

interface ApiKey {
  id: string;
  name?: string;
  prefix?: string;
  created_at?: string;
  secret?: string;
  key?: string;
}

function apiKeysSection(): HTMLElement {
  const alert = alertBox();
  const list = h('ul', { class: 'plain-list' });
  const name = h('input', { type: 'text', required: true, maxlength: 100, placeholder: 'e.g. CI' });
  const shown = h('div');
  const load = async (): Promise<void> => {
    try {
      const keys = await http.get<ApiKey[] | { items: ApiKey[] }>('/api/keys');
      const items = Array.isArray(keys) ? keys : keys.items;
      list.replaceChildren(
        ...(items.length === 0 ? [h('li', { class: 'muted' }, 'No API keys yet.')] : []),
        ...items.map((k) =>
          h('li', { class: 'row' },
            h('span', null, h('strong', null, k.name ?? k.id), k.prefix ? h('code', { class: 'muted' }, ` ${k.prefix}…`) : null,
              k.created_at ? h('span', { class: 'muted small' }, ` · created ${new Date(k.created_at).toLocaleDateString()}`) : null),
            h('button', {
              type: 'button',
              class: 'btn btn-small btn-ghost',
              onclick: async () => {
                const sure = await confirmDialog({
                  title: `Revoke the key “${k.name ?? k.id}”?`,
                  body: 'Anything still using it (CI jobs, scripts) stops working at once. A revoked key cannot be restored; you would create a new one.',
                  confirm: 'Revoke key',
                });
                if (!sure) return;
                try {
                  await http.delete(`/api/keys/${encodeURIComponent(k.id)}`);
                  shown.replaceChildren();
                  await load();
                } catch (error) {
                  alert.show(errorText(error));
                }
              },
            }, 'Revoke')),
        ),
      );
    } catch (error) {
      alert.show(errorText(error));
    }
  };
  const form = h('form', { class: 'inline-form' }, field('New key name', name), h('button', { type: 'submit', class: 'btn' }, 'Create key'));
  onSubmit(form, alert, async () => {
    const created = await http.post<ApiKey>('/api/keys', { name: name.value.trim() });
    const secret = created.secret ?? created.key ?? '';
    const secretEl = h('code', { class: 'api-secret break' }, secret);
    const copyState = h('span', { class: 'small', role: 'status' });
    const copy = h('button', {
      type: 'button',
      class: 'btn btn-small',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(secret);
          copyState.textContent = 'Copied.';
        } catch {
          // No clipboard access (plain http on another host): select it for Ctrl+C instead.
          window.getSelection()?.selectAllChildren(secretEl);
          copyState.textContent = 'Press Ctrl+C to copy.';
        }
      },
    }, 'Copy key');
    shown.replaceChildren(
      h('div', { class: 'alert alert-ok new-key' },
        h('p', null, 'Copy this key now; it is not shown again: '),
        h('div', { class: 'copy-row' }, secretEl, copy, copyState)),
    );
    form.reset();
    await load();
  });
  void load();
  const docs = h(
    'p',
    { class: 'muted' },
    'Use a key as ',
    h('code', null, 'Authorization: Bearer <key>'),
    ' (or ',
    h('code', null, 'X-Auth-Token'),
    ' for the Judge0-compatible API). ',
    h('a', { href: '/docs', target: '_blank', rel: 'noopener' }, 'API documentation'),
  );
  return h('section', { class: 'card' }, h('h2', null, 'API keys'), alert.el, docs, shown, list, form);
}

export async function accountDeleteConfirmPage(ctx: PageContext): Promise<View> {
  const token = linkToken(ctx);
  const alert = alertBox();
  const button = h('button', { type: 'submit', class: 'btn btn-danger btn-block' }, 'Delete my account for good');
  const form = h('form', { class: 'stack' },
    h('p', null, 'This removes your account and every interview record, schedule and room it owns. It cannot be undone.'),
    alert.el, button);
  if (!token) alert.show('This link has no confirmation token.');
  onSubmit(form, alert, async () => {
    await http.post('/api/auth/account/delete/confirm', { token });
    forgetUser();
    form.replaceChildren(h('p', { class: 'alert alert-ok', role: 'status' }, 'Your account has been deleted.'),
      h('a', { href: '/register' }, 'Create a new account'));
  });
  return { title: 'Delete account', chrome: 'bare', el: authCard('Delete your account', form) };
}
