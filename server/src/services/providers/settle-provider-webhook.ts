import type { Deps } from '../deps';
import { afterCommit, type Moved } from '../jobs/move-job';
import { resumeWaitTx } from '../jobs/waits';
import type { FindProviderCall } from './provider-webhooks';

/** What a verified webhook did. */
export type WebhookOutcome =
  /** The step waiting for the call was resumed (the job requeued, or its running run given the event). */
  | 'resumed'
  /** This delivery was accepted before: nothing changed. */
  | 'duplicate'
  /** No call of ours has this id (another system's, or one whose record is gone): nothing changed. */
  | 'unknown'
  /** The call's step is not waiting any more (a poll or an earlier webhook settled it): nothing changed. */
  | 'not_waiting';

/**
 * Settles one verified provider webhook: finds the call by the provider's own id and resumes the
 * wait of its job's step with `{webhook, prediction}`. The step then reads the prediction from the
 * provider (ctx.predict), so the webhook is only a wake-up: a poll and a webhook racing complete
 * the step once (resumeWait: the first event for a wait wins).
 *
 * The delivery is recorded in the same transaction as the resume: a replay (same provider and
 * delivery id) changes nothing, and an attempt that failed records nothing, so the provider's retry
 * is not mistaken for a replay.
 */
export async function settleProviderWebhook(
  deps: Deps,
  findCall: FindProviderCall,
  input: { provider: string; deliveryId: string; externalId: string },
): Promise<WebhookOutcome> {
  const call = await findCall(input.provider, input.externalId);
  const out = await deps.store.tx(async (repos): Promise<{ outcome: WebhookOutcome; moved?: Moved | null }> => {
    if (!(await repos.webhooks.remember(input.provider, input.deliveryId))) return { outcome: 'duplicate' };
    // A call made outside a step (no job or no step) has no wait to resume.
    if (!call?.jobId || !call.step) return { outcome: 'unknown' };
    const event = { webhook: input.provider, prediction: input.externalId };
    const resumed = await resumeWaitTx(repos, call.jobId, { step: call.step }, event, deps.clock.now());
    return resumed ? { outcome: 'resumed', moved: resumed.moved } : { outcome: 'not_waiting' };
  });
  if (out.moved) await afterCommit(deps, out.moved);
  return out.outcome;
}
