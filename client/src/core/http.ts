/**
 * The REST client. Cookies carry the session, so every state-changing request repeats the
 * `onsite_csrf` cookie in `X-CSRF-Token` (double submit). An expired access token is renewed
 * once through `/api/auth/refresh`; if that fails too the app is told to go to the login page.
 */
import { readCsrfCookie } from './cookies';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A body that is not JSON: sent unchanged. */
class RawBody {
  constructor(
    readonly data: Blob,
    readonly type: string,
  ) {}
}

export interface HttpDeps {
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  cookies: () => string;
  onUnauthorized: () => void;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Endpoints where a 401 means "wrong credentials", not "session expired". */
const NO_REFRESH = ['/api/auth/login', '/api/auth/refresh', '/api/auth/register', '/api/auth/me'];

export async function errorFromResponse(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = `The server answered ${response.status} ${response.statusText}`.trim();
  try {
    const body: unknown = await response.json();
    const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (err && typeof err.code === 'string') code = err.code;
    if (err && typeof err.message === 'string') message = err.message;
  } catch {
    // Not JSON (a proxy's error page, say): keep the generic sentence.
  }
  return new ApiError(response.status, code, message);
}

export class Http {
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly deps: HttpDeps) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
  /** A file as the body, sent as it is with its own content type (a ZIP to import, say). */
  upload<T>(path: string, file: Blob, contentType: string): Promise<T> {
    return this.request<T>('POST', path, new RawBody(file, contentType));
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response = await this.send(method, path, body);
    if (response.status === 401 && !NO_REFRESH.includes(path)) {
      if (await this.refresh()) response = await this.send(method, path, body);
      if (response.status === 401) {
        this.deps.onUnauthorized();
      }
    }
    if (!response.ok) throw await errorFromResponse(response);
    const text = await response.text();
    if (!text) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) return text as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, 'bad_response', 'The server sent a reply this page could not read.');
    }
  }

  private send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (UNSAFE.has(method)) {
      const csrf = readCsrfCookie(this.deps.cookies());
      if (csrf) headers['X-CSRF-Token'] = csrf;
    }
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body instanceof RawBody) {
      headers['Content-Type'] = body.type;
      init.body = body.data;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return this.deps.fetch(path, init);
  }

  /** Concurrent 401s share one refresh call, so the rotating refresh token is used once. */
  private refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.send('POST', '/api/auth/refresh')
        .then((r) => r.ok)
        .catch(() => false)
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
  }
}
