/** Human-readable dates and labels shared by the pages. */

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  });
}

export function statusLabel(status: string): string {
  return (
    { scheduled: 'Scheduled', in_progress: 'In progress', completed: 'Completed', cancelled: 'Cancelled' }[
      status
    ] ?? status
  );
}

export function recommendationLabel(rec: string | null | undefined): string {
  if (!rec) return 'No recommendation yet';
  return (
    { strong_hire: 'Strong hire', hire: 'Hire', no_hire: 'No hire', strong_no_hire: 'Strong no hire' }[rec] ?? rec
  );
}

/** `<input type="datetime-local">` speaks local wall time without a zone; the API wants ISO 8601. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
