import { z } from 'zod';

/**
 * An OpenAI webhook event (Standard Webhooks delivery; OpenAI "Webhooks" guide and openai-node
 * `resources/webhooks`): `{id: "evt_...", object: "event", type, created_at, data: {id}}`. For the
 * Videos API the types are `video.completed` and `video.failed`, and `data.id` is the video's id.
 */
const OpenAIEvent = z.object({
  id: z.string().optional(),
  object: z.literal('event'),
  type: z.string().min(1),
  data: z.object({ id: z.string().min(1) }),
});

/**
 * The object an event is about (`externalId`: `data.id`, the prediction id the video adapter gave)
 * and the event's type; null when the body is not such an event. Takes the raw body (text or bytes)
 * or its parsed JSON. Verifying the signature is the caller's business, and must come first.
 */
export function parseOpenAIWebhookEvent(body: string | Buffer | unknown): { externalId: string; type: string } | null {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
  }
  const parsed = OpenAIEvent.safeParse(value);
  return parsed.success ? { externalId: parsed.data.data.id, type: parsed.data.type } : null;
}
