/** The app shell: the navigator, the signed-in user, and the page chrome around each view. */
import { ApiError, http, setUnauthorizedHandler, type User } from './core/api';
import { readCsrfCookie } from './core/cookies';
import { h, replaceChildren } from './core/dom';
import { isInAppClick, type Params, resolve, type Route } from './core/router';

export { safeNext } from './core/router';

export interface PageContext {
  params: Params;
  query: URLSearchParams;
  /** The fragment's parameters (``#token=…``): never sent to the server, never logged. */
  fragment: URLSearchParams;
  navigate: (path: string, replace?: boolean) => void;
}

export interface View {
  title: string;
  el: HTMLElement;
  /** 'app' pages get the signed-in navigation bar; 'bare' pages (room, join, auth) do not. */
  chrome: 'app' | 'bare';
  dispose?: () => void;
}

export type PageFn = (ctx: PageContext) => Promise<View>;

/** Thrown by a page that sent the browser elsewhere (e.g. to the login page). */
export class Redirected extends Error {}

let cachedUser: User | null | undefined;

export async function currentUser(refresh = false): Promise<User | null> {
  if (cachedUser !== undefined && !refresh) return cachedUser;
  // The CSRF cookie lives as long as the session: without it there is nobody to ask about
  // (and no 401 to log in the console).
  if (!readCsrfCookie(document.cookie)) {
    cachedUser = null;
    return null;
  }
  try {
    cachedUser = await http.get<User>('/api/auth/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      // The access token may just have expired: one refresh, then ask again.
      try {
        await http.post('/api/auth/refresh');
        cachedUser = await http.get<User>('/api/auth/me');
      } catch {
        cachedUser = null;
      }
    } else {
      throw error;
    }
  }
  return cachedUser;
}

export function forgetUser(): void {
  cachedUser = undefined;
}

export async function requireUser(ctx: PageContext): Promise<User> {
  const user = await currentUser();
  if (!user) {
    const next = location.pathname + location.search;
    ctx.navigate(`/login?next=${encodeURIComponent(next)}`, true);
    throw new Redirected();
  }
  return user;
}

export class App {
  private current: View | null = null;
  private renderToken = 0;
  private rendered = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly routes: Route<PageFn>[],
    private readonly notFound: PageFn,
  ) {}

  start(): void {
    setUnauthorizedHandler(() => {
      forgetUser();
      if (!location.pathname.startsWith('/login')) {
        this.navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, true);
      }
    });
    window.addEventListener('popstate', () => void this.render());
    document.addEventListener('click', (event) => {
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor || !(anchor instanceof HTMLAnchorElement)) return;
      if (!isInAppClick(event, anchor, location.origin)) return;
      event.preventDefault();
      const url = new URL(anchor.href);
      this.navigate(url.pathname + url.search + url.hash);
    });
    void this.render();
  }

  navigate = (path: string, replace = false): void => {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    void this.render();
  };

  private async render(): Promise<void> {
    const token = ++this.renderToken;
    const found = resolve(this.routes, location.pathname);
    const ctx: PageContext = {
      params: found?.params ?? {},
      query: new URLSearchParams(location.search),
      fragment: new URLSearchParams(location.hash.slice(1)),
      navigate: this.navigate,
    };
    let view: View;
    try {
      view = await (found ? found.view : this.notFound)(ctx);
    } catch (error) {
      if (error instanceof Redirected) return;
      view = errorView(error);
    }
    if (token !== this.renderToken) {
      view.dispose?.();
      return;
    }
    this.current?.dispose?.();
    this.current = view;
    document.title = `${view.title} · Onsite`;
    const user = view.chrome === 'app' ? await currentUser().catch(() => null) : null;
    replaceChildren(
      this.root,
      view.chrome === 'app' ? navBar(user, this.navigate) : null,
      h('main', { id: 'main', class: `page page-${view.chrome}`, tabindex: -1 }, view.el),
    );
    // After an in-app navigation, move focus to the new page's heading so keyboard and
    // screen-reader users start at the top of what changed (not on the first load).
    const heading = this.root.querySelector('h1');
    if (heading instanceof HTMLElement) {
      heading.setAttribute('tabindex', '-1');
      if (this.rendered) heading.focus({ preventScroll: true });
    }
    this.rendered = true;
  }
}

function navBar(user: User | null, navigate: PageContext['navigate']): HTMLElement {
  const here = location.pathname;
  // A section's link stays current on its sub-pages (a question's editor is under Questions).
  const link = (href: string, label: string): HTMLElement =>
    h('a', { href, class: 'nav-link', 'aria-current': here === href || (href !== '/' && here.startsWith(`${href}/`)) ? 'page' : null }, label);
  const logout = async (): Promise<void> => {
    try {
      await http.post('/api/auth/logout');
    } finally {
      forgetUser();
      navigate('/login');
    }
  };
  return h(
    'header',
    { class: 'topbar' },
    h('a', { href: '/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'), 'Onsite'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      link('/', 'Interviews'),
      link('/schedule', 'Schedule'),
      link('/questions', 'Questions'),
      link('/bin', 'Bin'),
      link('/account', 'Account'),
      user?.role === 'admin' ? link('/admin', 'Admin') : null,
    ),
    h(
      'div',
      { class: 'topbar-user' },
      user ? h('span', { class: 'muted' }, user.name || user.email) : null,
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => void logout() }, 'Log out'),
    ),
  );
}

export function errorView(error: unknown): View {
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return {
    title: 'Error',
    chrome: 'bare',
    el: h(
      'div',
      { class: 'card narrow' },
      h('h1', null, 'Something went wrong'),
      h('p', { class: 'alert alert-error', role: 'alert' }, message),
      h('p', null, h('a', { href: '/' }, 'Back to the dashboard')),
    ),
  };
}
