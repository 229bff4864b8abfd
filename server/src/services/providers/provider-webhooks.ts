import type { Clock } from '../../core/ports/clock';
import { standardWebhookKey, verifyStandardWebhook } from '../../core/webhooks/standard-webhooks';
import type { HeaderSource, Verification } from '../../core/webhooks/webhook-rejection';
import type { FalWebhookKeys } from './fal-webhook-keys';

/**
 * The provider call a webhook names, by the provider's own id (the part of our prediction id before
 * any `|`): the job and step waiting for it, or null when no call of ours has that id.
 * The lead wires it to `repos.providerCalls.findByExternalId`.
 */
export type FindProviderCall = (provider: string, externalId: string) => Promise<{ jobId: string | null; step: string | null } | null>;

/** A Standard Webhooks secret (`whsec_...`), from the configuration or fetched from the provider. */
export type WebhookSecret = () => Promise<string>;

/**
 * What the webhook routes (http/routes/platform/webhook-routes.ts) verify and settle with; a
 * provider left out answers 503 (not configured), which the provider retries.
 */
export interface ProviderWebhooks {
  /** OPENAI_WEBHOOK_SECRET: `/webhooks/openai` and its alias `/webhooks/sora2`. */
  openaiSecret?: WebhookSecret;
  /** REPLICATE_WEBHOOK_SECRET, or Replicate's `GET /v1/webhooks/default/secret` (cachedSecret). */
  replicateSecret?: WebhookSecret;
  /** FAL_WEBHOOK_JWKS, or fal's published key set. */
  falKeys?: FalWebhookKeys;
  findCall: FindProviderCall;
}

/** A secret given in the configuration. */
export const fixedSecret = (secret: string): WebhookSecret => async () => secret;

/**
 * A secret fetched from the provider (Replicate's default webhook secret), kept `ttlMs` (1 h)
 * after a fetch; a failed fetch is not asked again for `retryAfterMs` (10 s), so requests that
 * come meanwhile fail at once instead of each calling the provider.
 */
export function cachedSecret(fetch: () => Promise<string>, clock: Clock, opts: { ttlMs?: number; retryAfterMs?: number } = {}): WebhookSecret {
  const ttlMs = opts.ttlMs ?? 3600_000;
  const retryAfterMs = opts.retryAfterMs ?? 10_000;
  let cached: { secret: string; at: number } | null = null;
  let failed: { err: unknown; at: number } | null = null;
  let pending: Promise<string> | null = null;
  return async () => {
    const now = clock.now().getTime();
    if (cached && now - cached.at < ttlMs) return cached.secret;
    if (pending) return pending;
    if (failed && now - failed.at < retryAfterMs) throw failed.err;
    pending = Promise.resolve()
      .then(() => fetch())
      .then((secret) => {
        standardWebhookKey(secret); // a secret that is not `whsec_<base64>` is a failed fetch, not a key to cache
        return secret;
      })
      .then(
        (secret) => {
          cached = { secret, at: clock.now().getTime() };
          failed = null;
          return secret;
        },
        (err: unknown) => {
          failed = { err, at: clock.now().getTime() };
          throw err;
        },
      )
      .finally(() => {
        pending = null;
      });
    return pending;
  };
}

/**
 * Verifies a Standard Webhooks delivery (OpenAI, Replicate) with the provider's secret, on the
 * raw body, at the clock's time. Throws when the secret cannot be had or is malformed (the route
 * answers 503: our fault, the provider retries).
 */
export async function verifyStandardDelivery(secret: WebhookSecret, clock: Clock, headers: HeaderSource, body: Uint8Array): Promise<Verification> {
  const key = standardWebhookKey(await secret());
  return verifyStandardWebhook({ key, headers, body, nowMs: clock.now().getTime() });
}
