import { z } from 'zod';
import { ProviderError } from '../provider-error';
import { readAnswer } from '../http/provider-answer';
import { ProviderHttp, type ProviderHttpOptions } from '../http/provider-http';
import type { ReplicateModel } from './replicate-model';

export const REPLICATE_BASE_URL = 'https://api.replicate.com/v1';

/**
 * A prediction as `GET /v1/predictions/{id}` and the webhook give it (provider-apis.md section 1),
 * the fields we read. `aborted` is the newer status of a prediction whose `Cancel-After` deadline
 * passed before it started.
 */
export const replicatePredictionSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted']),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  data_removed: z.boolean().optional(),
  metrics: z.object({ predict_time: z.number().optional() }).partial().nullish(),
});
export type ReplicatePrediction = z.infer<typeof replicatePredictionSchema>;

/** A file object of `POST /v1/files` (provider-apis.md section 1): `urls.get` is what a model input takes. */
const fileSchema = z.object({ id: z.string().min(1), urls: z.object({ get: z.url() }) });

const secretSchema = z.object({ key: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'a whsec_ secret') });

export interface ReplicateHttpOptions extends Partial<Omit<ProviderHttpOptions, 'provider' | 'baseUrl' | 'headers'>> {
  /** REPLICATE_API_TOKEN: sent as `Authorization: Bearer`, to Replicate's API host only. */
  apiToken: string;
  /** REPLICATE_BASE_URL, default https://api.replicate.com/v1. */
  baseUrl?: string;
}

/** The ProviderHttp client for Replicate's API (time limits, retries and error rules of ProviderHttp). */
export function replicateHttp(opts: ReplicateHttpOptions): ProviderHttp {
  const { apiToken, baseUrl, ...rest } = opts;
  return new ProviderHttp({ ...rest, provider: 'replicate', baseUrl: baseUrl ?? REPLICATE_BASE_URL, headers: { authorization: `Bearer ${apiToken}` } });
}

export interface CreateOptions {
  /** Our webhook route (`${PUBLIC_URL}/webhooks/replicate`); Replicate posts the prediction there when it completes. */
  webhookUrl?: string;
  /** `Cancel-After` deadline, a duration such as `30m` or `1h30m`: the prediction is canceled (or aborted, unstarted and not charged) past it. */
  cancelAfter?: string;
}

/** Replicate's predictions API (provider-apis.md section 1), answers checked. */
export class ReplicateApi {
  constructor(readonly http: ProviderHttp) {}

  /**
   * `POST /v1/models/{owner}/{name}/predictions` for an official model, `POST /v1/predictions` with
   * `version` otherwise. Replicate has no idempotency key: a retried create after a lost answer may
   * start a second prediction, which nobody reads (ProviderRequest.retry explains the trade).
   */
  async create(model: ReplicateModel, input: Record<string, unknown>, opts: CreateOptions = {}): Promise<ReplicatePrediction> {
    const path = model.kind === 'model' ? `models/${model.owner}/${model.name}/predictions` : 'predictions';
    const body = {
      ...(model.kind === 'version' ? { version: model.version } : {}),
      input,
      ...(opts.webhookUrl ? { webhook: opts.webhookUrl, webhook_events_filter: ['completed'] } : {}),
    };
    const answer = await this.http.json({ method: 'POST', path, json: body, headers: opts.cancelAfter ? { 'cancel-after': opts.cancelAfter } : {} });
    return readAnswer('replicate', replicatePredictionSchema, answer, `POST /${path}`);
  }

  /**
   * `POST /v1/files` (multipart, the file in `content`) -> the file's `urls.get`, which a model
   * input takes where it takes a URL: for files over the size Replicate advises for data URLs.
   */
  async uploadFile(bytes: Buffer, contentType: string, filename: string): Promise<string> {
    const form = new FormData();
    form.append('content', new Blob([new Uint8Array(bytes)], { type: contentType }), filename);
    const answer = await this.http.json({ method: 'POST', path: 'files', body: form });
    return readAnswer('replicate', fileSchema, answer, 'POST /files').urls.get;
  }

  /** `GET /v1/predictions/{id}`; null when Replicate does not know the id (404). */
  async get(id: string): Promise<ReplicatePrediction | null> {
    const path = `predictions/${encodeURIComponent(id)}`;
    try {
      return readAnswer('replicate', replicatePredictionSchema, await this.http.json({ path }), `GET /${path}`);
    } catch (err) {
      if (err instanceof ProviderError && err.status === 404) return null;
      throw err;
    }
  }
}

/**
 * The account's webhook signing secret, `GET /v1/webhooks/default/secret` -> `{key: "whsec_..."}`
 * (one per user or organisation): what verifies Replicate's webhooks when REPLICATE_WEBHOOK_SECRET
 * is unset. Throws ProviderError (never quoting the token).
 */
export async function fetchReplicateWebhookSecret(http: ProviderHttp): Promise<string> {
  const answer = await http.json({ path: 'webhooks/default/secret' });
  return readAnswer('replicate', secretSchema, answer, 'GET /webhooks/default/secret').key;
}
