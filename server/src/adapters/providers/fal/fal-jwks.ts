import { z } from 'zod';
import type { JwksSource } from '../../../core/ports/webhook-keys';
import { ProviderHttp } from '../http/provider-http';
import { ProviderError } from '../provider-error';

/** fal's published webhook key set (docs.fal.ai "Webhooks"). */
export const FAL_JWKS_URL = 'https://rest.fal.ai/.well-known/jwks.json';

export interface FalJwksOptions {
  /** Where the key set is fetched from (default fal's published one). */
  url?: string;
  /** One attempt's time limit (default 10 s: a webhook delivery waits on it). */
  timeoutMs?: number;
  /** Attempts after the first (default 1: fal retries its webhook anyway). */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const Jwks = z.object({ keys: z.array(z.unknown()) });

/**
 * fal's webhook keys fetched from its JWKS URL (no credentials: the set is public). A document
 * that is not `{keys: [...]}` is a ProviderError saying so; which keys are Ed25519 is decided by
 * the service (core/webhooks/fal-webhooks.ts ed25519KeysOf).
 */
export function falJwksFromUrl(opts: FalJwksOptions = {}): JwksSource {
  const url = new URL(opts.url ?? FAL_JWKS_URL);
  const http = new ProviderHttp({
    provider: 'fal',
    baseUrl: url.origin,
    timeoutMs: opts.timeoutMs ?? 10_000,
    retries: opts.retries ?? 1,
    maxBodyBytes: 256 * 1024,
    sleep: opts.sleep,
  });
  return {
    async load() {
      const body = await http.json({ path: `${url.pathname}${url.search}` });
      const parsed = Jwks.safeParse(body);
      if (!parsed.success) throw new ProviderError(`fal: the JWKS at ${url.href} is not {keys: [...]}: ${parsed.error.issues[0]?.message}`, true, 'fal');
      return parsed.data;
    },
  };
}

/** A key set given in the configuration (FAL_WEBHOOK_JWKS): nothing fetched, for tests and offline use. */
export function fixedJwks(jwks: { keys: unknown[] }): JwksSource {
  return { load: async () => jwks };
}
