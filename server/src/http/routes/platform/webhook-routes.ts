import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../../core/errors/app-error';
import type { HeaderSource, Verification } from '../../../core/webhooks/webhook-rejection';
import { verifyStandardDelivery, type ProviderWebhooks } from '../../../services/providers/provider-webhooks';
import { settleProviderWebhook } from '../../../services/providers/settle-provider-webhook';
import { newRouter, type AppEnv } from '../../app-env';
import { errorResponse } from '../../errors';
import type { Platform } from '../../platform';
import { ErrorSchema } from '../../schemas';

/**
 * Inbound provider webhooks: `POST /webhooks/replicate`, `/webhooks/fal`, `/webhooks/openai`, and
 * `/webhooks/sora2` (seed 001's name, the OpenAI shape). Each request is verified on its raw body
 * before anything changes (no auth header: the signature is the authentication); a forged,
 * unsigned, stale or future-dated one is a 401 `{error: {code, message}}`. A verified one names
 * the provider's own prediction id, whose waiting step is resumed (settleProviderWebhook).
 *
 * A replay of a delivery already accepted (same delivery id) is a 401 WEBHOOK_REPLAYED that changes
 * nothing, as forged and stale ones are. Every other verified delivery is answered 200
 * `{received: true}`, also one for a prediction we do not know or do not act on: providers retry
 * any non-2xx (OpenAI for 72 h, fal 10 times over 2 h), and retrying those would change nothing.
 */

/**
 * Replicate's webhook body is the whole prediction (input, output, logs), larger than the API's
 * JSON limit; past this the delivery is refused (413) and polling completes the call.
 */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

type Provider = 'openai' | 'replicate' | 'fal';

/** A verified body: the provider's prediction id to settle, or why it is not acted on. */
type Parsed = { externalId: string } | { ignored: string };

const Id = z.string().min(1).max(256);

/** Replicate: the prediction object (replicate.com "Receive webhooks"); only a settled one is acted on. */
const ReplicatePrediction = z.object({ id: Id, status: z.string() });
const REPLICATE_SETTLED = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

/** fal: `{request_id, gateway_request_id, status: "OK"|"ERROR", payload, error?}` (docs.fal.ai "Webhooks"). */
const FalResult = z.object({ request_id: Id, status: z.enum(['OK', 'ERROR']) });

/** OpenAI: an event `{id, object: "event", type, created_at, data: {id}}` (e.g. `video.completed`). */
const OpenAIEvent = z.object({ type: z.string(), data: z.object({ id: Id }) });

const PARSERS: Record<Provider, (body: unknown) => Parsed> = {
  replicate(body) {
    const p = ReplicatePrediction.safeParse(body);
    if (!p.success) return { ignored: `not a prediction: ${p.error.issues[0]?.message}` };
    return REPLICATE_SETTLED.has(p.data.status) ? { externalId: p.data.id } : { ignored: `prediction ${p.data.status}, not settled` };
  },
  fal(body) {
    const p = FalResult.safeParse(body);
    return p.success ? { externalId: p.data.request_id } : { ignored: `not a fal result: ${p.error.issues[0]?.message}` };
  },
  openai(body) {
    const p = OpenAIEvent.safeParse(body);
    return p.success ? { externalId: p.data.data.id } : { ignored: `not an event with data.id: ${p.error.issues[0]?.message}` };
  },
};

const SECURITY = {
  standard: { name: 'standardWebhookSignature', header: 'webhook-signature', description: 'Standard Webhooks: HMAC-SHA256 over `webhook-id.webhook-timestamp.body` with the provider\'s `whsec_` secret; timestamp within 5 minutes' },
  fal: { name: 'falWebhookSignature', header: 'X-Fal-Webhook-Signature', description: 'fal: Ed25519 over request id, user id, timestamp and the body\'s SHA-256, against fal\'s published keys; timestamp within 5 minutes' },
} as const;

const Received = z.object({ received: z.literal(true) }).openapi('WebhookReceived');

function route(path: string, operationId: string, summary: string, scheme: keyof typeof SECURITY) {
  return createRoute({
    method: 'post', path, operationId, tags: ['webhooks'], summary,
    description: 'Called by the provider, not by clients. Verified on the raw body; a forged, stale or replayed delivery is refused with 401 and changes nothing; one for an unknown prediction is answered 200 and changes nothing.',
    security: [{ [SECURITY[scheme].name]: [] }],
    request: { body: { required: true, content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
    responses: {
      200: { description: 'Received (settled, already received, or nothing of ours)', content: { 'application/json': { schema: Received } } },
      401: { description: 'Signature missing or forged, timestamp outside 5 minutes, or a replay of a delivery already received: nothing changed', content: { 'application/json': { schema: ErrorSchema } } },
      413: { description: `Body over ${WEBHOOK_BODY_LIMIT} bytes`, content: { 'application/json': { schema: ErrorSchema } } },
      404: { description: 'This provider\'s webhooks are not configured on this server', content: { 'application/json': { schema: ErrorSchema } } },
      503: { description: 'This provider\'s secret or keys could not be loaded: retry later', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
}

const ROUTES: { provider: Provider; def: ReturnType<typeof route> }[] = [
  { provider: 'replicate', def: route('/webhooks/replicate', 'receiveReplicateWebhook', 'Replicate prediction webhook', 'standard') },
  { provider: 'fal', def: route('/webhooks/fal', 'receiveFalWebhook', 'fal queue webhook', 'fal') },
  { provider: 'openai', def: route('/webhooks/openai', 'receiveOpenAIWebhook', 'OpenAI webhook event', 'standard') },
  { provider: 'openai', def: route('/webhooks/sora2', 'receiveSora2Webhook', 'OpenAI webhook event (seed 001\'s name for /webhooks/openai)', 'standard') },
];

export function webhookRoutes(platform: Platform) {
  const r = newRouter();
  const { deps } = platform;
  for (const s of Object.values(SECURITY)) {
    r.openAPIRegistry.registerComponent('securitySchemes', s.name, { type: 'apiKey', in: 'header', name: s.header, description: s.description });
  }
  const limit = bodyLimit({
    maxSize: WEBHOOK_BODY_LIMIT,
    onError: (c) => errorResponse(c, new AppError('too_large', 'PAYLOAD_TOO_LARGE', `Webhook body is larger than ${WEBHOOK_BODY_LIMIT} bytes`)),
  });

  for (const { provider, def } of ROUTES) {
    // Documented here, handled without a body validator: the signature is over the raw bytes,
    // which a parsed and re-serialized body would not reproduce.
    r.openAPIRegistry.registerPath(def);
    r.post(def.path, limit, async (c) => {
      const setup = platform.webhooks;
      const verify = setup && verifierOf(setup, provider, platform);
      if (!setup || !verify) {
        // Not a route of this server until its secret or keys are configured; keys that cannot be loaded now are a 503.
        return errorResponse(c, new AppError('not_found', 'WEBHOOK_NOT_CONFIGURED', `Webhooks from ${provider} are not configured on this server (${SETTING[provider]})`));
      }
      const body = new Uint8Array(await c.req.arrayBuffer());
      let verified: Verification;
      try {
        verified = await verify(c.req.raw.headers, body);
      } catch (err) {
        // Our side (a secret or key set that cannot be had): the provider's retry may succeed.
        deps.log.error({ err, provider }, 'webhook keys unavailable');
        return errorResponse(c, new AppError('unavailable', 'WEBHOOK_KEYS_UNAVAILABLE', `The keys to verify ${provider} webhooks cannot be loaded now`));
      }
      if (!verified.ok) {
        deps.log.warn({ provider, code: verified.code, requestId: c.get('requestId') }, 'webhook refused');
        return errorResponse(c, new AppError('unauthorized', verified.code, verified.message));
      }
      return settle(c, platform, setup, provider, verified.deliveryId, body);
    });
  }
  return r;
}

/** What configures each provider's verification (README, "Webhooks"). */
const SETTING: Record<Provider, string> = {
  openai: 'set OPENAI_WEBHOOK_SECRET',
  replicate: 'set REPLICATE_WEBHOOK_SECRET or REPLICATE_API_TOKEN',
  fal: 'set FAL_WEBHOOK_JWKS, or name fal in a provider list',
};

type Verifier = (headers: HeaderSource, body: Uint8Array) => Promise<Verification>;

function verifierOf(setup: ProviderWebhooks, provider: Provider, platform: Platform): Verifier | null {
  const { clock } = platform.deps;
  if (provider === 'fal') return setup.falKeys ? (h, b) => setup.falKeys!.verify(h, b) : null;
  const secret = provider === 'openai' ? setup.openaiSecret : setup.replicateSecret;
  return secret ? (h, b) => verifyStandardDelivery(secret, clock, h, b) : null;
}

async function settle(c: Context<AppEnv>, platform: Platform, setup: ProviderWebhooks, provider: Provider, deliveryId: string, body: Uint8Array) {
  const { log } = platform.deps;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = json === undefined ? { ignored: 'body is not JSON' } : PARSERS[provider](json);
  if ('ignored' in parsed) {
    // Signed by the provider, so retrying it would bring the same body: received, not acted on.
    log.warn({ provider, deliveryId, reason: parsed.ignored }, 'webhook not acted on');
    return c.json({ received: true as const }, 200);
  }
  const outcome = await settleProviderWebhook(platform.deps, setup.findCall, { provider, deliveryId, externalId: parsed.externalId });
  log.info({ provider, deliveryId, prediction: parsed.externalId, outcome }, 'webhook received');
  if (outcome === 'duplicate') return errorResponse(c, new AppError('unauthorized', 'WEBHOOK_REPLAYED', `Delivery ${deliveryId} was already received; a replay changes nothing`));
  return c.json({ received: true as const }, 200);
}
