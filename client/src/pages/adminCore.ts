/** The admin page's pure parts: policy names, the domain list field, the audit query. */

export const POLICIES = ['closed', 'invitation', 'domains', 'sso', 'open'] as const;
export type Policy = (typeof POLICIES)[number];

const POLICY_LABELS: Record<Policy, string> = {
  closed: 'Closed (admins invite)',
  invitation: 'By invitation only',
  domains: 'Open to these domains',
  sso: 'Single sign-on only',
  open: 'Open to anyone who reaches the server',
};

export function policyLabel(policy: string): string {
  return POLICY_LABELS[policy as Policy] ?? policy;
}

/** "Example.com, @eu.example.com  x.org" → ["example.com", "eu.example.com", "x.org"]. */
export function domainsFromText(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const domain = raw.trim().toLowerCase().replace(/^@/, '');
    if (domain && !out.includes(domain)) out.push(domain);
  }
  return out;
}

export interface AuditFilter {
  action: string;
  actor: string;
}

/** The query string of the audit list (or its export, without a limit). */
export function auditQuery(filter: AuditFilter, limit?: number): string {
  const params = new URLSearchParams();
  if (filter.action) params.set('action', filter.action);
  if (filter.actor) params.set('actor', filter.actor);
  if (limit !== undefined) params.set('limit', String(limit));
  return params.toString();
}
