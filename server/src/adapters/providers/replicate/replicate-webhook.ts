import type { PredictionStatus } from '../../../core/ports/providers';
import { readWebhookBody } from '../http/provider-answer';
import { replicatePredictionSchema } from './replicate-api';

/** What a Replicate webhook says: which prediction, and its state. */
export interface ReplicateWebhookEvent {
  /** Replicate's prediction id: the id `submit` returned. */
  externalId: string;
  status: PredictionStatus;
}

/**
 * A Replicate webhook body (the prediction object, as `GET /v1/predictions/{id}` gives it:
 * provider-apis.md section 1) read into our terms; `canceled` and `aborted` are `failed`. Call it
 * on a body whose signature was verified. Throws InvalidWebhookBodyError on another shape. The
 * output is not taken from the body: `get` reads and copies it, the same way as a poll.
 */
export function parseReplicateWebhook(body: unknown): ReplicateWebhookEvent {
  const p = readWebhookBody('replicate', replicatePredictionSchema, body);
  const status: PredictionStatus = p.status === 'canceled' || p.status === 'aborted' ? 'failed' : p.status;
  return { externalId: p.id, status };
}
