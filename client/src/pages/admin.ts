/** The admin page: the organization's sign-up policy and providers, members (roles,
 * deactivation, moving records), invitations, the audit log, and data retention. Admins only;
 * the server answers 403 to anyone else, so this page only hides what it cannot do. */
import { type PageContext, Redirected, requireUser, type View } from '../app';
import { ApiError, http, type User } from '../core/api';
import { confirmDialog } from '../core/dialog';
import { alertBox, field, h, replaceChildren } from '../core/dom';
import { formatDateTime } from '../core/format';
import { auditQuery, type AuditFilter, domainsFromText, POLICIES, policyLabel } from './adminCore';

interface Organization {
  id: string;
  name: string;
  signup_policy: string;
  allowed_domains: string[];
  required_providers: string[];
  invite_domains: string[];
  retention_days: number | null;
  providers: string[];
}

interface Member {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'interviewer';
  is_active: boolean;
  email_verified_at: string | null;
  created_at: string;
}

interface Invitation {
  id: string;
  email: string;
  role: string;
  created_at: string;
  expires_at: string;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  mail_sent?: boolean | null;
}

interface AuditEvent {
  id: string;
  at: string;
  action: string;
  actor_email: string | null;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';
}

function section(title: string, lead: string, ...body: (Node | null)[]): HTMLElement {
  return h('section', { class: 'card stack admin-section', 'aria-label': title },
    h('h2', null, title), h('p', { class: 'muted' }, lead), ...body);
}

export async function adminPage(ctx: PageContext): Promise<View> {
  const me = await requireUser(ctx);
  if (me.role !== 'admin') {
    ctx.navigate('/', true);
    throw new Redirected();
  }
  const el = h('div', { class: 'stack-lg admin' },
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, 'Organization'), h('p', { class: 'muted' }, 'Who may sign up, who is a member, and what the installation keeps.'))),
    await organizationSection(),
    await membersSection(me),
    await invitationsSection(),
    await auditSection(),
    dataSection(),
  );
  return { title: 'Admin', chrome: 'app', el };
}

// ---- the organization -------------------------------------------------------------------------

async function organizationSection(): Promise<HTMLElement> {
  const alert = alertBox();
  const org = await http.get<Organization>('/api/admin/organization');
  const name = h('input', { type: 'text', name: 'name', value: org.name, required: true, maxlength: 200 });
  const policy = h('select', { name: 'signup_policy' },
    POLICIES.map((p) => h('option', { value: p, selected: p === org.signup_policy }, policyLabel(p))));
  const domains = h('input', { type: 'text', name: 'allowed_domains', value: org.allowed_domains.join(', '), placeholder: 'example.com, eu.example.com' });
  const inviteDomains = h('input', { type: 'text', name: 'invite_domains', value: org.invite_domains.join(', '), placeholder: 'any (with a daily cap)' });
  const retention = h('input', { type: 'number', name: 'retention_days', min: 1, max: 36500, value: org.retention_days ?? '', placeholder: 'keep for ever' });
  const providers = org.providers.map((id) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', value: id, checked: org.required_providers.includes(id) }), ` ${id}`));
  const form = h('form', { class: 'stack' },
    alert.el,
    h('div', { class: 'grid-form' },
      field('Name', name),
      field('Sign-up', policy, 'After the first account (the admin).'),
      field('Domains that may sign up', domains, 'For “Open to these domains”; comma-separated.'),
      field('Invitations only to', inviteDomains, 'Empty: any address, up to a daily cap per account.'),
      field('Delete completed interviews after (days)', retention, 'Empty keeps them.'),
    ),
    providers.length
      ? h('fieldset', { class: 'stack' }, h('legend', null, 'Required sign-in providers (members cannot use passwords)'), providers)
      : h('p', { class: 'muted small' }, 'No OpenID Connect provider is configured, so none can be required.'),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save settings')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const days = retention.value.trim();
    const body = {
      name: name.value.trim(),
      signup_policy: policy.value,
      allowed_domains: domainsFromText(domains.value),
      invite_domains: domainsFromText(inviteDomains.value),
      required_providers: providers
        .map((label) => label.querySelector('input'))
        .filter((input): input is HTMLInputElement => !!input && input.checked)
        .map((input) => input.value),
      retention_days: days ? Number(days) : null,
    };
    http.patch<Organization>('/api/admin/organization', body)
      .then(() => alert.show('Settings saved.', 'ok'))
      .catch((error: unknown) => alert.show(errorText(error)));
  });
  return section('Sign-up and sign-in', 'New interviewers join by invitation unless you open sign-up.', form);
}

// ---- members ----------------------------------------------------------------------------------

async function membersSection(me: User): Promise<HTMLElement> {
  const alert = alertBox();
  const host = h('div', { class: 'table-host' });
  const load = async (): Promise<void> => {
    const { items } = await http.get<{ items: Member[] }>('/api/admin/members');
    const active = items.filter((m) => m.is_active);
    const rows = items.map((member) => {
      const role = h('select', { 'aria-label': `Role of ${member.name}`, disabled: member.id === me.id },
        h('option', { value: 'interviewer', selected: member.role === 'interviewer' }, 'Interviewer'),
        h('option', { value: 'admin', selected: member.role === 'admin' }, 'Admin'));
      role.addEventListener('change', () => {
        http.put(`/api/admin/members/${member.id}/role`, { role: role.value })
          .then(() => alert.show(`${member.name} is now ${role.value === 'admin' ? 'an admin' : 'an interviewer'}.`, 'ok'))
          .catch((error: unknown) => { alert.show(errorText(error)); void load(); });
      });
      const toggle = h('button', { type: 'button', class: member.is_active ? 'btn btn-danger-ghost btn-small' : 'btn btn-ghost btn-small', disabled: member.id === me.id },
        member.is_active ? 'Deactivate' : 'Reactivate');
      toggle.addEventListener('click', () => void (async () => {
        if (member.is_active && !(await confirmDialog({
          title: `Deactivate ${member.name}?`,
          body: 'Their sessions, API keys and open rooms end at once. Their records stay; you can move them to someone else.',
          confirm: 'Deactivate',
          danger: true,
        }))) return;
        try {
          await http.post(`/api/admin/members/${member.id}/${member.is_active ? 'deactivate' : 'reactivate'}`);
          alert.show(`${member.name} was ${member.is_active ? 'deactivated' : 'reactivated'}.`, 'ok');
          await load();
        } catch (error) {
          alert.show(errorText(error));
        }
      })());
      const target = h('select', { 'aria-label': `Move ${member.name}'s records to` },
        h('option', { value: '' }, 'Move records to…'),
        active.filter((m) => m.id !== member.id).map((m) => h('option', { value: m.id }, m.name)));
      target.addEventListener('change', () => void (async () => {
        const to = active.find((m) => m.id === target.value);
        if (!to) return;
        if (!(await confirmDialog({
          title: `Give ${member.name}'s records to ${to.name}?`,
          body: 'Interviews, schedules, questions and scorecard templates change owner.',
          confirm: 'Move records',
          danger: false,
        }))) { target.value = ''; return; }
        try {
          const moved = await http.post<Record<string, number>>(`/api/admin/members/${member.id}/move-records`, { to_user_id: to.id });
          alert.show(`Moved ${moved.interviews ?? 0} interview(s), ${moved.schedules ?? 0} schedule(s) and ${moved.questions ?? 0} question(s) to ${to.name}.`, 'ok');
        } catch (error) {
          alert.show(errorText(error));
        }
        target.value = '';
      })());
      return h('tr', { class: member.is_active ? null : 'inactive' },
        h('td', null, h('strong', null, member.name), h('div', { class: 'muted small' }, member.email)),
        h('td', null, role),
        h('td', null, h('span', { class: `badge ${member.is_active ? 'badge-ok' : 'badge-warn'}` }, member.is_active ? 'Active' : 'Deactivated'),
          member.email_verified_at ? null : h('span', { class: 'badge badge-warn' }, 'Unverified')),
        h('td', { class: 'actions' }, toggle, target));
    });
    replaceChildren(host, h('table', { class: 'table table-members' },
      h('thead', null, h('tr', null, h('th', null, 'Member'), h('th', null, 'Role'), h('th', null, 'Status'), h('th', null, 'Actions'))),
      h('tbody', null, rows)));
  };
  await load();
  return section('Members', 'Deactivating someone ends their sessions, API keys and room connections at once.', alert.el, h('div', { class: 'card card-flush' }, host));
}

// ---- invitations ------------------------------------------------------------------------------

async function invitationsSection(): Promise<HTMLElement> {
  const alert = alertBox();
  const host = h('div', { class: 'table-host' });
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off', placeholder: 'name@company.com' });
  const role = h('select', { name: 'role' }, h('option', { value: 'interviewer' }, 'Interviewer'), h('option', { value: 'admin' }, 'Admin'));
  const load = async (): Promise<void> => {
    const { items } = await http.get<{ items: Invitation[] }>('/api/admin/invitations');
    if (items.length === 0) {
      replaceChildren(host, h('p', { class: 'empty muted' }, 'No invitations yet.'));
      return;
    }
    replaceChildren(host, h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, 'Address'), h('th', null, 'Role'), h('th', null, 'Status'), h('th', null, 'Expires'), h('th', null, 'Actions'))),
      h('tbody', null, items.map((inv) => h('tr', null,
        h('td', null, inv.email),
        h('td', null, inv.role === 'admin' ? 'Admin' : 'Interviewer'),
        h('td', null, h('span', { class: `badge ${inv.status === 'accepted' ? 'badge-ok' : inv.status === 'pending' ? 'badge-warn' : 'badge-error'}` }, inv.status)),
        h('td', null, formatDateTime(inv.expires_at)),
        h('td', { class: 'actions' }, inv.status === 'pending'
          ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => {
            http.delete(`/api/admin/invitations/${inv.id}`).then(load).catch((error: unknown) => alert.show(errorText(error)));
          } }, 'Withdraw')
          : null))))));
  };
  const form = h('form', { class: 'inline-form' }, field('E-mail', email), field('Role', role),
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Send invitation'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    http.post<Invitation>('/api/admin/invitations', { email: email.value.trim(), role: role.value })
      .then((made) => {
        alert.show(made.mail_sent === false
          ? `The invitation for ${made.email} was made but the e-mail could not be sent; try again later.`
          : `Invitation sent to ${made.email}.`, made.mail_sent === false ? 'error' : 'ok');
        form.reset();
        return load();
      })
      .catch((error: unknown) => alert.show(errorText(error)));
  });
  await load();
  return section('Invitations', 'Each link works once and expires after a week.', alert.el, form, host);
}

// ---- the audit log ----------------------------------------------------------------------------

async function auditSection(): Promise<HTMLElement> {
  const alert = alertBox();
  const host = h('div', { class: 'table-host' });
  let filter: AuditFilter = { action: '', actor: '' };
  const action = h('select', { name: 'action', 'aria-label': 'Action' }, h('option', { value: '' }, 'All actions'));
  const actor = h('input', { type: 'search', name: 'actor', placeholder: 'Who (part of the address)' });
  const exportLink = h('a', { class: 'btn btn-ghost', href: '/api/admin/audit/export', download: 'onsite-audit.jsonl' }, 'Export (JSON lines)');
  const load = async (): Promise<void> => {
    try {
      const page = await http.get<{ items: AuditEvent[]; actions: string[] }>(`/api/admin/audit?${auditQuery(filter, 100)}`);
      if (action.options.length === 1) {
        for (const name of page.actions) action.append(h('option', { value: name }, name.replace(/_/g, ' ')));
      }
      exportLink.setAttribute('href', `/api/admin/audit/export?${auditQuery(filter)}`);
      alert.hide();
      replaceChildren(host, page.items.length === 0
        ? h('p', { class: 'empty muted' }, 'Nothing logged matches.')
        : h('table', { class: 'table table-audit' },
          h('thead', null, h('tr', null, h('th', null, 'What'), h('th', null, 'Who'), h('th', null, 'When'), h('th', null, 'From'), h('th', null, 'Details'))),
          h('tbody', null, page.items.map((event) => h('tr', null,
            h('td', null, h('strong', null, event.action.replace(/_/g, ' '))),
            h('td', null, event.actor_email ?? '—'),
            h('td', null, formatDateTime(event.at)),
            h('td', { class: 'muted small' }, event.ip ?? '—'),
            h('td', { class: 'muted small break' }, Object.entries(event.details).map(([k, v]) => `${k}: ${String(v)}`).join(' · ') || (event.target ?? '')),
          )))));
    } catch (error) {
      alert.show(errorText(error));
    }
  };
  let debounce: number | undefined;
  action.addEventListener('change', () => { filter = { ...filter, action: action.value }; void load(); });
  actor.addEventListener('input', () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => { filter = { ...filter, actor: actor.value.trim() }; void load(); }, 250);
  });
  await load();
  return section('Audit log', 'Sign-ins, invitations, role changes, deactivations, keys, purges and settings: who, what, when, from where.',
    alert.el, h('div', { class: 'inline-form' }, field('Action', action), field('Who', actor), exportLink),
    h('div', { class: 'card card-flush' }, host));
}

// ---- data -------------------------------------------------------------------------------------

function dataSection(): HTMLElement {
  const alert = alertBox();
  const email = h('input', { type: 'email', name: 'candidate_email', required: true, autocomplete: 'off', placeholder: 'candidate@example.com' });
  const erase = h('form', { class: 'inline-form' }, field('Candidate e-mail', email),
    h('button', { type: 'submit', class: 'btn btn-danger' }, 'Erase their data'));
  erase.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const address = email.value.trim();
      if (!(await confirmDialog({
        title: `Erase everything about ${address}?`,
        body: 'Every interview and schedule with this candidate address is deleted for good, with its code, chat, runs and scorecards. Live rooms close first.',
        confirm: 'Erase',
        danger: true,
      }))) return;
      try {
        const result = await http.post<{ interviews: number }>('/api/admin/erase-candidate', { email: address });
        alert.show(`Erased ${result.interviews} interview(s).`, 'ok');
        erase.reset();
      } catch (error) {
        alert.show(errorText(error));
      }
    })();
  });
  const purge = h('button', { type: 'button', class: 'btn btn-ghost' }, 'Apply the retention limit now');
  purge.addEventListener('click', () => {
    http.post<{ interviews: number }>('/api/admin/retention/run')
      .then((result) => alert.show(`Purged ${result.interviews} completed interview(s) past the limit.`, 'ok'))
      .catch((error: unknown) => alert.show(errorText(error)));
  });
  return section('Data', 'Erase a candidate’s data on request; the retention limit also runs every hour.', alert.el, erase, h('div', { class: 'row' }, purge));
}
