import { z } from 'zod';
import { ProviderError } from '../provider-error';
import { parseJsonBody, ProviderHttp, type ProviderHttpOptions } from '../http/provider-http';
import { readAnswer } from '../http/provider-answer';
import type { FalModel } from './fal-model';

export const FAL_BASE_URL = 'https://queue.fal.run';

const submitSchema = z.object({ request_id: z.string().min(1) });
const statusSchema = z.object({ status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']) });
export type FalStatus = z.infer<typeof statusSchema>['status'];

export interface FalHttpOptions extends Partial<Omit<ProviderHttpOptions, 'provider' | 'baseUrl' | 'headers'>> {
  /** FAL_KEY: sent as `Authorization: Key <key>`, to the queue host only. */
  key: string;
  /** FAL_BASE_URL, default https://queue.fal.run. */
  baseUrl?: string;
}

/** The ProviderHttp client for fal's queue (time limits, retries and error rules of ProviderHttp). */
export function falHttp(opts: FalHttpOptions): ProviderHttp {
  const { key, baseUrl, ...rest } = opts;
  return new ProviderHttp({ ...rest, provider: 'fal', baseUrl: baseUrl ?? FAL_BASE_URL, headers: { authorization: `Key ${key}` } });
}

/** A completed request's result: the model's output JSON, or its failure. */
export type FalResult = { ok: true; output: unknown } | { ok: false; message: string; retryable: boolean };

/** fal's queue API (provider-apis.md section 2), answers checked. */
export class FalQueue {
  constructor(readonly http: ProviderHttp) {}

  /**
   * `POST /{model_id}` with the input as the body and `?fal_webhook=<url>` when a webhook is
   * configured -> `{request_id, status_url, response_url}`. fal has no idempotency key either: a
   * retried submit after a lost answer may queue a second request, which nobody reads.
   */
  async submit(model: FalModel, input: Record<string, unknown>, webhookUrl?: string): Promise<string> {
    const answer = await this.http.json({ method: 'POST', path: model.id, json: input, query: { fal_webhook: webhookUrl } });
    return readAnswer('fal', submitSchema, answer, `POST /${model.id}`).request_id;
  }

  /** `GET /{root}/requests/{id}/status`; null when fal does not know the request (404). */
  async status(model: FalModel, requestId: string): Promise<FalStatus | null> {
    const path = `${model.root}/requests/${encodeURIComponent(requestId)}/status`;
    try {
      return readAnswer('fal', statusSchema, await this.http.json({ path }), `GET /${path}`).status;
    } catch (err) {
      if (err instanceof ProviderError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * `GET /{root}/requests/{id}`: the output of a COMPLETED request. fal has no failed status: a
   * failed request is COMPLETED and this call answers its error (a 422 `{detail: [...]}` for input
   * the model refused, not retryable; a 5xx, retryable, after ProviderHttp's own retries). Null when fal does not know the request
   * (404). Without an answer about the request (timeout, connection, 429) it throws, like every call.
   */
  async result(model: FalModel, requestId: string): Promise<FalResult | null> {
    const path = `${model.root}/requests/${encodeURIComponent(requestId)}`;
    let body: Buffer;
    try {
      body = (await this.http.request({ path })).body;
    } catch (err) {
      if (!(err instanceof ProviderError) || err.status === undefined) throw err;
      if (err.status === 404) return null;
      // Throttled or timed out on fal's side: the answer says nothing about the request itself.
      if (err.status === 408 || err.status === 409 || err.status === 429) throw err;
      return { ok: false, message: `fal: the request failed: ${err.message}`, retryable: err.retryable };
    }
    return { ok: true, output: parseJsonBody('fal', body, `GET /${path}`) };
  }
}
