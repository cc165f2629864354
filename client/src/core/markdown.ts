/**
 * A small Markdown renderer for the interviewer's notes, safe by construction: every character of
 * the source is HTML-escaped before any markup is added, and the only markup is the fixed set of
 * tags below. Raw HTML in the notes shows as text; links keep only http(s) and mailto targets.
 *
 * Supported: ATX headings, paragraphs (a single newline is a line break), bullet lists (-, * or +)
 * and numbered lists (1.), quotes (>), fenced code, rules (---), and inline code, bold, italic,
 * strike-through and [text](url) links.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Inline markup on one run of text (already split off from code spans). */
function inlineText(raw: string): string {
  let html = escapeHtml(raw);
  // Links first, so emphasis inside the label still applies and URLs are left alone.
  html = html.replace(/\[([^\]\n]+)\]\(([^\s)]+)\)/g, (whole, label: string, url: string) => {
    if (!SAFE_URL.test(url)) return whole;
    return `<a href="${url}" target="_blank" rel="noopener noreferrer nofollow">${label}</a>`;
  });
  html = html.replace(/\*\*(?=\S)([^*]*\S)\*\*/g, '<strong>$1</strong>');
  html = html.replace(/(^|[^_\w])__(?=\S)([^_]*\S)__(?!\w)/g, '$1<strong>$2</strong>');
  html = html.replace(/(^|[^*\w])\*(?=\S)([^*]*\S)\*(?!\w)/g, '$1<em>$2</em>');
  html = html.replace(/(^|[^_\w])_(?=\S)([^_]*\S)_(?!\w)/g, '$1<em>$2</em>');
  html = html.replace(/~~(?=\S)([^~]*\S)~~/g, '<del>$1</del>');
  return html;
}

export function renderInline(raw: string): string {
  // Code spans are taken out first: nothing inside them is markup.
  const parts = raw.split(/(`[^`\n]+`)/g);
  return parts
    .map((part) => (part.length > 2 && part.startsWith('`') && part.endsWith('`')
      ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
      : inlineText(part)))
    .join('');
}

type ListKind = 'ul' | 'ol';

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const FENCE = /^\s*```/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

export function renderMarkdown(source: string): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { kind: ListKind; items: string[] } | null = null;
  let quote: string[] = [];

  const flushParagraph = (): void => {
    if (paragraph.length) out.push(`<p>${paragraph.map(renderInline).join('<br>')}</p>`);
    paragraph = [];
  };
  const flushList = (): void => {
    if (list) out.push(`<${list.kind}>${list.items.map((i) => `<li>${renderInline(i)}</li>`).join('')}</${list.kind}>`);
    list = null;
  };
  const flushQuote = (): void => {
    if (quote.length) out.push(`<blockquote>${renderMarkdown(quote.join('\n'))}</blockquote>`);
    quote = [];
  };
  const flushAll = (): void => {
    flushParagraph();
    flushList();
    flushQuote();
  };

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      flushAll();
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !FENCE.test(lines[i]!)) {
        code.push(lines[i]!);
        i += 1;
      }
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const quoted = QUOTE.exec(line);
    if (quoted) {
      flushParagraph();
      flushList();
      quote.push(quoted[1] ?? '');
      continue;
    }
    flushQuote();
    if (!line.trim()) {
      flushAll();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flushAll();
      const level = heading[1]!.length;
      out.push(`<h${level}>${renderInline(heading[2] ?? '')}</h${level}>`);
      continue;
    }
    if (RULE.test(line)) {
      flushAll();
      out.push('<hr>');
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flushParagraph();
      const kind: ListKind = bullet ? 'ul' : 'ol';
      if (list && list.kind !== kind) flushList();
      list ??= { kind, items: [] };
      list.items.push((bullet ?? numbered)![1] ?? '');
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // An indented line continues the list item above it.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    flushList();
    paragraph.push(line);
  }
  flushAll();
  return out.join('\n');
}
