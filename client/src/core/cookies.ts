/** Reads one cookie out of a `document.cookie` string (pure, so it can be tested). */
export function readCookie(cookieString: string, name: string): string | null {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return null;
}

/** The CSRF cookie's value: `__Host-onsite_csrf` when the site is served over https (the
 * server then names its cookies with the `__Host-` prefix), else `onsite_csrf`. */
export function readCsrfCookie(cookieString: string): string | null {
  return readCookie(cookieString, '__Host-onsite_csrf') ?? readCookie(cookieString, 'onsite_csrf');
}
