import { z } from 'zod';
import type { PredictionStatus } from '../../../core/ports/providers';
import { readWebhookBody } from '../http/provider-answer';

/** fal's webhook body (provider-apis.md section 2): sent once, when the request finishes. */
const falWebhookSchema = z.object({
  request_id: z.string().min(1),
  gateway_request_id: z.string().nullish(),
  status: z.enum(['OK', 'ERROR']),
  payload: z.unknown().optional(),
  error: z.string().nullish(),
  payload_error: z.string().nullish(),
});

/** What a fal webhook says: which request, whether it succeeded, and fal's error text when not. */
export interface FalWebhookEvent {
  /** fal's request_id: the part of our prediction id before the `|`. */
  externalId: string;
  status: Extract<PredictionStatus, 'succeeded' | 'failed'>;
  /** fal's `error` (e.g. "Invalid status code: 422"), when it failed. */
  error?: string;
}

/**
 * A fal webhook body `{request_id, status: "OK"|"ERROR", payload, error?}` read into our terms.
 * Call it on a body whose signature was verified. Throws InvalidWebhookBodyError on another shape.
 * The output is not taken from the body: `get` reads and copies it, the same way as a poll.
 */
export function parseFalWebhook(body: unknown): FalWebhookEvent {
  const b = readWebhookBody('fal', falWebhookSchema, body);
  if (b.status === 'OK') return { externalId: b.request_id, status: 'succeeded' };
  return { externalId: b.request_id, status: 'failed', error: b.error ?? b.payload_error ?? 'the request failed' };
}
