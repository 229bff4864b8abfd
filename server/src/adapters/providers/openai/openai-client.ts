import type { z } from 'zod';
import { readAnswer } from '../http/provider-answer';
import { ProviderHttp, type ProviderRequest, type ProviderResponse } from '../http/provider-http';
import { ProviderError } from '../provider-error';

/** The provider's name in errors, call records and output keys. */
export const OPENAI = 'openai';

/** The public API; a gateway, vLLM (`http://host:8000/v1`) or Ollama (`http://host:11434/v1`) is set instead. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Where and how to reach an OpenAI-shaped server; shared by every OpenAI adapter. */
export interface OpenAIConnectionOptions {
  /** The API root the paths are under, e.g. `https://api.openai.com/v1` (default). */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <apiKey>` to baseUrl's host only. Optional: local servers need none. */
  apiKey?: string;
  /** One attempt's time limit, in ms (each adapter has its own default). */
  timeoutMs?: number;
  /** Attempts after the first on 429, 5xx and timeouts (default 3). */
  retries?: number;
  /** Injected in tests: the wait between attempts and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * ProviderHttp for an OpenAI-shaped server, and two guarantees on top: every answer read is
 * validated with zod (readAnswer: a wrong shape is a retryable ProviderError saying what was wrong,
 * as for every provider, so a router passes the call on), and
 * our API key never appears in an error, even where a server echoes it back in its error text.
 */
export class OpenAIClient {
  private readonly http: ProviderHttp;
  private readonly apiKey?: string;

  constructor(opts: OpenAIConnectionOptions, defaultTimeoutMs: number) {
    this.apiKey = opts.apiKey || undefined;
    this.http = new ProviderHttp({
      provider: OPENAI,
      baseUrl: opts.baseUrl || OPENAI_DEFAULT_BASE_URL,
      headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      timeoutMs: opts.timeoutMs ?? defaultTimeoutMs,
      retries: opts.retries,
      sleep: opts.sleep,
      random: opts.random,
    });
  }

  /** The JSON answer to `req`, checked against `schema`. */
  async json<S extends z.ZodType>(schema: S, req: ProviderRequest): Promise<z.infer<S>> {
    const body = await this.guard(() => this.http.json(req));
    return readAnswer(OPENAI, schema, body, `${req.method ?? 'GET'} ${req.path}`);
  }

  async request(req: ProviderRequest): Promise<ProviderResponse> {
    return this.guard(() => this.http.request(req));
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.redacted(err);
    }
  }

  /** The error with our key cut out of its message (and its cause dropped, which may quote it). */
  private redacted(err: unknown): unknown {
    if (!this.apiKey || !(err instanceof Error) || !err.message.includes(this.apiKey)) return err;
    const message = err.message.replaceAll(this.apiKey, '[redacted]');
    if (err instanceof ProviderError) return new ProviderError(message, err.retryable, err.provider, { status: err.status, retryAfterMs: err.retryAfterMs });
    return new ProviderError(message, true, OPENAI);
  }
}

/** True for an error thrown when the server does not know the id (404): the caller submits again. */
export const isNotFound = (err: unknown) => err instanceof ProviderError && err.status === 404;
