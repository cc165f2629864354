import { describe, expect, it } from 'vitest';
import { ApiError, Http } from './http';

interface Call {
  path: string;
  init: RequestInit;
}

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function setup(responses: Record<string, Response[]>, cookie = 'onsite_csrf=tok') {
  const calls: Call[] = [];
  let unauthorized = 0;
  const http = new Http({
    fetch: async (path, init) => {
      calls.push({ path, init });
      const queue = responses[`${init.method} ${path}`];
      const next = queue?.shift();
      if (!next) throw new Error(`unexpected ${init.method} ${path}`);
      return next;
    },
    cookies: () => cookie,
    onUnauthorized: () => {
      unauthorized += 1;
    },
  });
  return { http, calls, unauthorized: () => unauthorized };
}

const header = (call: Call | undefined, name: string): string | undefined =>
  (call?.init.headers as Record<string, string> | undefined)?.[name];

describe('Http', () => {
  it('sends the CSRF cookie as a header on state-changing requests only', async () => {
    const { http, calls } = setup({ 'GET /api/x': [json(200, { a: 1 })], 'POST /api/x': [json(201, { b: 2 })] });
    expect(await http.get('/api/x')).toEqual({ a: 1 });
    expect(await http.post('/api/x', { q: 1 })).toEqual({ b: 2 });
    expect(header(calls[0], 'X-CSRF-Token')).toBeUndefined();
    expect(header(calls[1], 'X-CSRF-Token')).toBe('tok');
    expect(calls[1]?.init.body).toBe('{"q":1}');
  });

  it('uploads a file as the raw body with its type and the CSRF header', async () => {
    const { http, calls } = setup({ 'POST /api/questions/import': [json(201, { imported: [] })] });
    const file = new Blob([new Uint8Array([0x50, 0x4b, 3, 4])]);
    expect(await http.upload('/api/questions/import', file, 'application/zip')).toEqual({ imported: [] });
    expect(header(calls[0], 'Content-Type')).toBe('application/zip');
    expect(header(calls[0], 'X-CSRF-Token')).toBe('tok');
    expect(calls[0]?.init.body).toBe(file);
  });

  it('refreshes once on 401 and retries the request', async () => {
    const { http, calls, unauthorized } = setup({
      'GET /api/interviews': [json(401, { error: { code: 'unauthorized', message: 'expired' } }), json(200, [1])],
      'POST /api/auth/refresh': [json(200, {})],
    });
    expect(await http.get('/api/interviews')).toEqual([1]);
    expect(calls.map((c) => `${c.init.method} ${c.path}`)).toEqual([
      'GET /api/interviews',
      'POST /api/auth/refresh',
      'GET /api/interviews',
    ]);
    expect(unauthorized()).toBe(0);
  });

  it('gives up after a failed refresh and reports the session as gone', async () => {
    const { http, unauthorized } = setup({
      'GET /api/interviews': [json(401, { error: { code: 'unauthorized', message: 'Log in first.' } })],
      'POST /api/auth/refresh': [json(401, { error: { code: 'unauthorized', message: 'no' } })],
    });
    await expect(http.get('/api/interviews')).rejects.toMatchObject({ status: 401, message: 'Log in first.' });
    expect(unauthorized()).toBe(1);
  });

  it('does not refresh when the login itself is refused', async () => {
    const { http, calls } = setup({
      'POST /api/auth/login': [json(401, { error: { code: 'invalid_credentials', message: 'Wrong email or password.' } })],
    });
    const err = await http.post('/api/auth/login', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_credentials');
    expect(calls).toHaveLength(1);
  });

  it('shares one refresh between concurrent 401s', async () => {
    const { http, calls } = setup({
      'GET /api/a': [json(401, {}), json(200, 'a')],
      'GET /api/b': [json(401, {}), json(200, 'b')],
      'POST /api/auth/refresh': [json(200, {})],
    });
    expect(await Promise.all([http.get('/api/a'), http.get('/api/b')])).toEqual(['a', 'b']);
    expect(calls.filter((c) => c.path === '/api/auth/refresh')).toHaveLength(1);
  });

  it('turns a non-JSON error page into a readable ApiError', async () => {
    const { http } = setup({ 'GET /api/x': [new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })] });
    await expect(http.get('/api/x')).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('accepts empty 204 and 202 answers', async () => {
    const { http } = setup({
      'DELETE /api/interviews/1': [new Response(null, { status: 204 })],
      'POST /api/auth/password/forgot': [new Response('', { status: 202 })],
    });
    expect(await http.delete('/api/interviews/1')).toBeUndefined();
    expect(await http.post('/api/auth/password/forgot', { email: 'a@b.c' })).toBeUndefined();
  });
});
