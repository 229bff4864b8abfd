import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '../provider-error';

export interface ProviderHttpOptions {
  /** The provider's name, as errors and the call records give it (`openai`, `replicate`...). */
  provider: string;
  /** Every relative path is resolved against it, e.g. `https://api.replicate.com/v1/`. */
  baseUrl: string;
  /** Sent with every request to baseUrl (credentials): never logged, never in an error. */
  headers?: Record<string, string>;
  /** One attempt's time limit, in ms (default 60 s). */
  timeoutMs?: number;
  /** Attempts after the first on 429, 5xx, a timeout or a dropped connection (default 3). */
  retries?: number;
  /** Exponential backoff with full jitter: attempt n waits random() * min(maxMs, baseMs * 2^n) (default 500 ms, 8 s). */
  backoff?: { baseMs: number; maxMs: number };
  /** A `Retry-After` longer than this is not waited for: the call fails retryably (another provider may serve it). Default 30 s. */
  maxRetryAfterMs?: number;
  /** Largest body read, in bytes (default 512 MiB: a video). */
  maxBodyBytes?: number;
  /** Injected in tests: the wait between attempts and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface ProviderRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to baseUrl, or an absolute URL (an output to download: no credentials sent to another host). */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (multipart forms, raw bytes). */
  body?: FormData | Buffer;
  headers?: Record<string, string>;
  /** Overrides the client's time limit for this call. */
  timeoutMs?: number;
  /**
   * Whether a failed attempt is tried again. Default true: every call we make is a read or a submit
   * whose duplicate costs at most a second prediction that nobody reads.
   */
  retry?: boolean;
  /**
   * Non-2xx statuses answered as a response instead of thrown, for an error body the caller reads
   * itself (ComfyUI's 400 lists the failing nodes in `node_errors`, beyond `error.message`).
   */
  answerStatuses?: number[];
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * The one HTTP client of the provider adapters (fetch underneath): a time limit per attempt,
 * retries with jittered exponential backoff on 429 (honouring `Retry-After` and OpenAI's
 * `retry-after-ms`), 5xx, timeouts and dropped connections, and none on any other 4xx. Every
 * failure is a ProviderError whose message quotes the provider's own error text (never our
 * credentials) and whose `retryable` says whether another attempt, or another provider, may succeed.
 */
export class ProviderHttp {
  readonly provider: string;
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly maxRetryAfterMs: number;
  private readonly maxBodyBytes: number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly opts: ProviderHttpOptions) {
    this.provider = opts.provider;
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.retries = opts.retries ?? 3;
    this.backoff = opts.backoff ?? { baseMs: 500, maxMs: 8_000 };
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
    this.maxBodyBytes = opts.maxBodyBytes ?? 512 * 1024 ** 2;
    this.wait = opts.sleep ?? ((ms) => sleep(ms));
    this.random = opts.random ?? Math.random;
  }

  /** The response of a 2xx answer; throws ProviderError otherwise (after the retries). */
  async request(req: ProviderRequest): Promise<ProviderResponse> {
    const url = this.url(req);
    const retries = req.retry === false ? 0 : this.retries;
    for (let attempt = 0; ; attempt++) {
      let failure: ProviderError;
      try {
        const res = await this.once(url, req);
        if ((res.status >= 200 && res.status < 300) || req.answerStatuses?.includes(res.status)) return res;
        failure = this.statusError(req, url, res);
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        failure = this.transportError(req, url, err);
      }
      if (!failure.retryable || attempt >= retries) throw failure;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > this.maxRetryAfterMs) throw failure;
      await this.wait(failure.retryAfterMs ?? this.jitter(attempt));
    }
  }

  /** The JSON body of a 2xx answer; a body that is not JSON is a retryable ProviderError. */
  async json<T = unknown>(req: ProviderRequest): Promise<T> {
    const res = await this.request(req);
    return parseJsonBody<T>(this.provider, res.body, `${req.method ?? 'GET'} ${this.url(req).pathname}`);
  }

  /** The bytes at an output URL (absolute, on the provider's CDN) or path. */
  async bytes(req: ProviderRequest): Promise<Buffer> {
    return (await this.request(req)).body;
  }

  private url(req: ProviderRequest): URL {
    const url = new URL(req.path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private async once(url: URL, req: ProviderRequest): Promise<ProviderResponse> {
    // Credentials go to the provider's own host only, never to a CDN URL it hands back.
    const own = url.origin === this.base.origin;
    const headers: Record<string, string> = { ...(own ? this.opts.headers : {}), ...req.headers };
    let body: BodyInit | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.body) {
      body = req.body instanceof FormData ? req.body : new Blob([new Uint8Array(req.body)]);
    }
    const res = await fetch(url, {
      method: req.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs),
    });
    return { status: res.status, headers: res.headers, body: await this.readBody(res) };
  }

  private async readBody(res: Response): Promise<Buffer> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > this.maxBodyBytes) {
      await res.body?.cancel();
      throw new ProviderError(`${this.provider}: the answer is ${declared} bytes, over the ${this.maxBodyBytes}-byte limit`, false, this.provider, { status: res.status });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    if (!res.body) return Buffer.alloc(0);
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxBodyBytes) {
        await reader.cancel();
        throw new ProviderError(`${this.provider}: the answer is over the ${this.maxBodyBytes}-byte limit`, false, this.provider, { status: res.status });
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
  }

  private statusError(req: ProviderRequest, url: URL, res: ProviderResponse): ProviderError {
    const retryable = res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
    const what = `${req.method ?? 'GET'} ${url.pathname}`;
    return new ProviderError(`${this.provider} answered ${res.status} to ${what}: ${providerMessage(res.body)}`, retryable, this.provider, {
      status: res.status,
      retryAfterMs: retryAfterMs(res.headers, Date.now()),
    });
  }

  private transportError(req: ProviderRequest, url: URL, err: unknown): ProviderError {
    const what = `${req.method ?? 'GET'} ${url.pathname}`;
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const message = timedOut
      ? `${this.provider} did not answer ${what} within ${req.timeoutMs ?? this.timeoutMs} ms`
      : `${this.provider} could not be reached for ${what}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
    return new ProviderError(message, true, this.provider, { cause: err });
  }

  private jitter(attempt: number): number {
    return Math.round(this.random() * Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** attempt));
  }
}

/**
 * The wait a 429 or 503 asks for, in ms: OpenAI's `retry-after-ms`, else `Retry-After` as seconds
 * or an HTTP date (RFC 9110 section 10.2.3). Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The provider's own error text from an error body: OpenAI `{error: {message}}`, Replicate
 * `{detail}`, fal `{detail: [{msg}]}`, ComfyUI `{error: {message}}`, or the start of a text body.
 */
export function providerMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const err = parsed.error;
    if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return clip((err as { message: string }).message);
    if (typeof err === 'string') return clip(err);
    if (typeof parsed.detail === 'string') return clip(parsed.detail);
    if (Array.isArray(parsed.detail)) return clip(parsed.detail.map((d: { msg?: string }) => d?.msg ?? JSON.stringify(d)).join('; '));
    if (typeof parsed.message === 'string') return clip(parsed.message);
  } catch {
    // Not JSON: an HTML error page from a proxy, or plain text; quoted as it is.
  }
  return clip(text || '(empty body)');
}

/** A 2xx body parsed as JSON; a provider answering success with a broken body is worth another try. */
export function parseJsonBody<T>(provider: string, body: Buffer, what: string): T {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw new ProviderError(`${provider} answered ${what} with malformed JSON: ${clip(body.toString('utf8'))}`, true, provider, { cause: err });
  }
}

const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);
