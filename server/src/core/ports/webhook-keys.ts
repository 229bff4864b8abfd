/**
 * Where the public keys that sign a provider's webhooks come from: fal's published JWKS, fetched
 * (adapters/providers/fal/fal-jwks.ts), or a key set given in the configuration (FAL_WEBHOOK_JWKS,
 * for tests and offline use). The service caches what it loads (services/providers/fal-webhook-keys.ts).
 */
export interface JwksSource {
  /** A JWKS document (`{keys: [...]}`); throws when it cannot be had (a network failure, a bad answer). */
  load(): Promise<{ keys: unknown[] }>;
}
