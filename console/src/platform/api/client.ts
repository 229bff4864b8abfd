import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

const TOKEN_KEY = 'mediaforge.token';

export const tokenStore = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (token: string) => localStorage.setItem(TOKEN_KEY, token),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** Signs in anonymously once and keeps the token; a token the server refuses is replaced. */
let signingIn: Promise<string> | null = null;
export async function ensureToken(): Promise<string> {
  const existing = tokenStore.get();
  if (existing) return existing;
  signingIn ??= (async () => {
    const res = await fetch('/v1/auth/anon', { method: 'POST' });
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
    const body = (await res.json()) as { token: string };
    tokenStore.set(body.token);
    return body.token;
  })().finally(() => (signingIn = null));
  return signingIn;
}

const auth: Middleware = {
  async onRequest({ request }) {
    if (!request.url.includes('/v1/auth/anon')) request.headers.set('authorization', `Bearer ${await ensureToken()}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) tokenStore.clear();
    return response;
  },
};

/** The typed client generated from the server's /openapi.json. */
export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** A non-2xx answer, with the server's error body (platform or flat shape). */
export class ApiError extends Error {
  /** `retryAfterSec`: a 429's or 503's Retry-After, in seconds, so the words can say when to try again. */
  constructor(readonly status: number, readonly body: unknown, readonly retryAfterSec?: number) {
    super(errorMessage(body) ?? `HTTP ${status}`);
  }
  get code(): string | undefined {
    const b = this.body as { code?: string; error?: { code?: string } } | null;
    return b?.code ?? b?.error?.code;
  }
}

function errorMessage(body: unknown): string | undefined {
  const b = body as { error?: string | { message?: string } } | null;
  if (!b?.error) return undefined;
  return typeof b.error === 'string' ? b.error : b.error.message;
}

/** Unwraps an openapi-fetch result, throwing ApiError for an error response. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error === undefined && result.response.ok) return result.data as T;
  const retryAfter = Number(result.response.headers.get('retry-after'));
  throw new ApiError(result.response.status, result.error, retryAfter > 0 ? retryAfter : undefined);
}
