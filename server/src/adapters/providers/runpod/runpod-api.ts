import { z } from 'zod';
import { readAnswer } from '../http/provider-answer';
import { ProviderHttp, type ProviderHttpOptions } from '../http/provider-http';
import { ProviderError } from '../provider-error';

export const RUNPOD_BASE_URL = 'https://api.runpod.ai/v2';

/**
 * Largest `/run` request body, in bytes: Runpod's limit for the asynchronous queue is 10 MB
 * (provider-apis.md section 4, "Endpoints"), counted here as 10 * 1000 * 1000 to stay on its side.
 */
export const RUNPOD_MAX_RUN_BYTES = 10_000_000;

/** `POST /{endpoint}/run` -> the job's id and its first status (`IN_QUEUE`). */
const runSchema = z.object({ id: z.string().min(1), status: z.string() });

/**
 * A job as `GET /{endpoint}/status/{id}` gives it (provider-apis.md section 4, "Statuses"): the
 * fields we read. `RUNNING` is listed by Runpod's docs beside `IN_PROGRESS`; `output` holds the
 * handler's return value once COMPLETED (and free-form progress while IN_PROGRESS); `error` the
 * handler's error once FAILED.
 */
export const runpodJobSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  delayTime: z.number().optional(),
  executionTime: z.number().optional(),
});
export type RunpodJob = z.infer<typeof runpodJobSchema>;

/** `policy` of a `/run` request: both in ms (Runpod: executionTimeout 5 s..7 d, ttl 10 s..7 d). */
export interface RunpodPolicy {
  /** The longest a worker may run the job before it is TIMED_OUT. */
  executionTimeout: number;
  /** The job's whole life, queue and execution; past it the job is deleted (status 404). */
  ttl: number;
}

export interface RunpodHttpOptions extends Partial<Omit<ProviderHttpOptions, 'provider' | 'baseUrl' | 'headers'>> {
  /** RUNPOD_API_KEY: sent as `Authorization: Bearer`, to Runpod's API host only. */
  apiKey: string;
  /** RUNPOD_BASE_URL, default https://api.runpod.ai/v2. */
  baseUrl?: string;
}

/** The ProviderHttp client for Runpod's Serverless API (time limits, retries and error rules of ProviderHttp). */
export function runpodHttp(opts: RunpodHttpOptions): ProviderHttp {
  const { apiKey, baseUrl, ...rest } = opts;
  return new ProviderHttp({ ...rest, provider: 'runpod', baseUrl: baseUrl ?? RUNPOD_BASE_URL, headers: { authorization: `Bearer ${apiKey}` } });
}

/**
 * One Runpod Serverless queue endpoint (provider-apis.md section 4), answers checked. Runpod has no
 * idempotency key: a `/run` retried after a lost answer may queue a second job, which nobody reads
 * (the trade ProviderRequest.retry explains); its cost is one more GPU run.
 */
export class RunpodApi {
  constructor(
    readonly http: ProviderHttp,
    /** The endpoint id (RUNPOD_IMAGE_OPS_ENDPOINT). */
    readonly endpoint: string,
  ) {}

  /**
   * `POST /{endpoint}/run {input, policy, webhook?}` -> the job. Runpod POSTs the job's status
   * object to `webhook` when it ends (unsigned). Throws a non-retryable ProviderError, before
   * sending anything, when the body is over Runpod's 10 MB limit for `/run`.
   */
  async run(input: Record<string, unknown>, policy: RunpodPolicy, webhook?: string): Promise<{ id: string; status: string }> {
    const body = JSON.stringify({ input, policy, ...(webhook ? { webhook } : {}) });
    const size = Buffer.byteLength(body);
    if (size > RUNPOD_MAX_RUN_BYTES) {
      throw new ProviderError(`runpod: the request is ${size} bytes (the image in base64), over the ${RUNPOD_MAX_RUN_BYTES}-byte limit of Runpod's /run; send a smaller image`, false, 'runpod');
    }
    const path = `${encodeURIComponent(this.endpoint)}/run`;
    const answer = await this.http.json({ method: 'POST', path, body: Buffer.from(body), headers: { 'content-type': 'application/json' } });
    return readAnswer('runpod', runSchema, answer, `POST /${path}`);
  }

  /** `GET /{endpoint}/status/{id}`; null when Runpod does not know the job (404: never queued here, or past its ttl or retention). */
  async status(id: string): Promise<RunpodJob | null> {
    const path = `${encodeURIComponent(this.endpoint)}/status/${encodeURIComponent(id)}`;
    try {
      return readAnswer('runpod', runpodJobSchema, await this.http.json({ path }), `GET /${path}`);
    } catch (err) {
      if (err instanceof ProviderError && err.status === 404) return null;
      throw err;
    }
  }
}
