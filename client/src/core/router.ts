/** Route matching (pure) and the history-based navigator that drives page views. */

export type Params = Record<string, string>;

/** Match "/interviews/:id" against "/interviews/abc" → {id: "abc"}; null when it does not fit. */
export function matchRoute(pattern: string, path: string): Params | null {
  const want = trimSlashes(pattern).split('/');
  const got = trimSlashes(path).split('/');
  if (want.length !== got.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (!g) return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

export interface Route<V> {
  pattern: string;
  view: V;
}

export function resolve<V>(routes: Route<V>[], path: string): { view: V; params: Params } | null {
  for (const route of routes) {
    const params = matchRoute(route.pattern, path);
    if (params) return { view: route.view, params };
  }
  return null;
}

/** Only same-origin, plain left clicks without modifiers are handled in-app. */
export function isInAppClick(event: MouseEvent, anchor: HTMLAnchorElement, origin: string): boolean {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (anchor.target && anchor.target !== '_self') return false;
  if (anchor.hasAttribute('download')) return false;
  const url = new URL(anchor.href, origin);
  if (url.origin !== origin) return false;
  // Pages the server makes itself (the API docs) are not routes of the app.
  return !url.pathname.startsWith('/api/') && url.pathname !== '/docs';
}

const BASE = 'https://onsite.invalid';

/**
 * Only paths of this site are accepted as a post-login destination (no open redirect). Parsed
 * the way the browser will parse it, not pattern-matched: a browser drops tabs and newlines
 * and reads a backslash as a slash, so "/\t/evil.example" would otherwise leave the site.
 */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(raw)) return '/';
  if (raw.startsWith('//') || /%5c/i.test(raw)) return '/';
  const url = new URL(raw, BASE);
  if (url.origin !== BASE) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
