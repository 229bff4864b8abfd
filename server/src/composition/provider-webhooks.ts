import type { Config } from '../config/config';
import { providerLists } from '../config/provider-env';
import { falJwksFromUrl, fixedJwks } from '../adapters/providers/fal/fal-jwks';
import { fetchReplicateWebhookSecret, replicateHttp } from '../adapters/providers/replicate/replicate-api';
import type { Deps } from '../services/deps';
import { FalWebhookKeys } from '../services/providers/fal-webhook-keys';
import { cachedSecret, fixedSecret, type ProviderWebhooks } from '../services/providers/provider-webhooks';

/**
 * How the webhook routes verify each provider (README, "Webhooks"): OpenAI with
 * OPENAI_WEBHOOK_SECRET; Replicate with REPLICATE_WEBHOOK_SECRET, or the secret Replicate gives
 * for the API token; fal with FAL_WEBHOOK_JWKS, or fal's published key set when fal is in a
 * provider list. A provider left without a way to verify answers 503 and changes nothing.
 */
export function providerWebhooks(config: Config, deps: Pick<Deps, 'store' | 'clock'>): ProviderWebhooks {
  const { env } = config;
  const usesFal = Object.values(providerLists(env)).some((list) => list.includes('fal'));
  const replicateSecret = env.REPLICATE_WEBHOOK_SECRET
    ? fixedSecret(env.REPLICATE_WEBHOOK_SECRET)
    : env.REPLICATE_API_TOKEN
      ? cachedSecret(() => fetchReplicateWebhookSecret(replicateHttp({ apiToken: env.REPLICATE_API_TOKEN!, baseUrl: env.REPLICATE_BASE_URL })), deps.clock)
      : undefined;
  const falKeys = env.FAL_WEBHOOK_JWKS
    ? new FalWebhookKeys(fixedJwks(env.FAL_WEBHOOK_JWKS), deps.clock)
    // Only when fal is used: otherwise a stray request would make us fetch fal's keys.
    : usesFal ? new FalWebhookKeys(falJwksFromUrl({ url: env.FAL_WEBHOOK_JWKS_URL }), deps.clock) : undefined;
  return {
    ...(env.OPENAI_WEBHOOK_SECRET ? { openaiSecret: fixedSecret(env.OPENAI_WEBHOOK_SECRET) } : {}),
    ...(replicateSecret ? { replicateSecret } : {}),
    ...(falKeys ? { falKeys } : {}),
    findCall: (provider, externalId) => deps.store.read((r) => r.providerCalls.findByExternalId(provider, externalId)),
  };
}
