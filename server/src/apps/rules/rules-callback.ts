import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, invalid, notFound } from '../../core/errors/app-error';
import { isTerminal } from '../../core/jobs/job-status';
import type { HeaderSource } from '../../core/webhooks/webhook-rejection';
import { standardWebhookKey, verifyStandardWebhook } from '../../core/webhooks/standard-webhooks';
import { refundItem } from '../../services/credits/ledger';
import type { Deps } from '../../services/deps';
import { publishJob } from '../../services/jobs/job-events';
import { afterCommit, type Moved } from '../../services/jobs/move-job';
import { resumeWaitTx } from '../../services/jobs/waits';
import { BatchInput, MAX_OUTPUT_BYTES, itemEnded, outputKey } from './rules-batch';
import { BATCH_PIPELINE, PROCESS_STEP } from './rules-pipeline';
import { RULES_APP } from './rules-app-name';

/** A GPU worker's report on one item (the body of `POST /s3/jobs/{id}/callback`). */
export const CallbackBody = z.discriminatedUnion('status', [
  z.object({
    item: z.number().int().min(0),
    status: z.literal('done'),
    output: z.object({
      key: z.string().min(1).max(500),
      mime: z.string().min(1).max(100),
      size: z.number().int().min(1),
      width: z.number().int().min(1),
      height: z.number().int().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  }),
  z.object({
    item: z.number().int().min(0),
    status: z.literal('failed'),
    error: z.object({ code: z.string().min(1).max(100), message: z.string().max(2000) }),
  }),
]);
export type CallbackBody = z.infer<typeof CallbackBody>;

/** Whether a request carries any Standard Webhooks header (else it is unsigned). */
export const isSigned = (headers: HeaderSource) => Boolean(headers.get('webhook-signature') || headers.get('webhook-id') || headers.get('webhook-timestamp'));

/** The deliveries' dedup namespace in `repos.webhooks`. */
const DELIVERIES = 'gpu-callback';

/**
 * A GPU worker's signed report on one item of a batch, settled once:
 * - signed as Standard Webhooks with the job's own secret (GpuWork.callbackSecret) over the raw
 *   body, its timestamp within 5 minutes: AUTH_REQUIRED without the headers, AUTH_INVALID for a
 *   bad signature or a stale or future timestamp; a delivery id seen before is a replay
 *   (JOB_WRONG_STATE 409, nothing changes);
 * - under the job's row lock, so it cannot cross a cancel: an item still pending becomes done
 *   (its stored output checked: the item's own key, present, within the size it reported and
 *   MAX_OUTPUT_BYTES; otherwise it fails as OUTPUT_MISSING) or failed (its credit refunded in the
 *   same transaction); an item already ended, or a job that has, is JOB_WRONG_STATE and changes
 *   nothing (an output that will never be used is deleted);
 * - the last item to end resumes the job's waiting step, which completes it.
 */
export async function acceptCallback(deps: Deps, jobId: string, headers: HeaderSource, raw: Uint8Array) {
  // The signature first (a job's secret derives from its id alone): an unsigned caller learns nothing, not even whether the job exists.
  if (!isSigned(headers)) {
    throw new AppError('unauthorized', 'AUTH_REQUIRED', 'A callback must be signed: webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks)');
  }
  const verified = verifyStandardWebhook({ key: standardWebhookKey(deps.gpu.callbackSecret(jobId)), headers, body: raw, nowMs: deps.clock.now().getTime() });
  if (!verified.ok) throw new AppError('unauthorized', 'AUTH_INVALID', verified.message, { reason: verified.code });
  const job = await deps.store.read((r) => r.jobs.get(jobId));
  if (!job || job.app !== RULES_APP || job.pipeline !== BATCH_PIPELINE) throw notFound('JOB_NOT_FOUND', 'No such job');

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw invalid('INVALID_REQUEST', 'The callback body is not JSON');
  }
  const body = CallbackBody.safeParse(parsed);
  if (!body.success) throw invalid('INVALID_REQUEST', `Invalid callback: ${body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  const report = body.data;
  if (report.item >= job.itemCount) throw invalid('INVALID_REQUEST', `This job has items 0 to ${job.itemCount - 1}; there is no item ${report.item}`);
  // Checked before the transaction (object storage is outside it): what the worker says it stored.
  const expectedKey = outputKey(job, report.item, BatchInput.parse(job.input).output.ext);
  let outcome: CallbackBody = report;
  if (report.status === 'done') {
    const head = report.output.key === expectedKey ? await deps.storage.head(report.output.key) : null;
    const problem = report.output.key !== expectedKey ? `the output was reported under ${report.output.key}, not this item's key`
      : !head ? 'no output was stored'
      : head.size !== report.output.size ? `the stored output is ${head.size} bytes, not the ${report.output.size} reported`
      : head.size > MAX_OUTPUT_BYTES ? `the output is over ${MAX_OUTPUT_BYTES} bytes` : null;
    if (problem) outcome = { item: report.item, status: 'failed', error: { code: 'OUTPUT_MISSING', message: `The GPU worker reported success but ${problem}` } };
  }

  const now = deps.clock.now();
  let moved: Moved | null = null;
  const settled = await deps.store.tx(async (repos) => {
    if (!(await repos.webhooks.remember(DELIVERIES, verified.deliveryId))) {
      throw new AppError('conflict', 'JOB_WRONG_STATE', `Callback ${verified.deliveryId} was already received`, { replay: true });
    }
    const locked = (await repos.jobs.getForUpdate(jobId))!;
    // A draft has no items yet: nothing was sent, so nothing can be reported.
    if (isTerminal(locked.status) || locked.status === 'draft') {
      throw new AppError('conflict', 'JOB_WRONG_STATE', `Job is ${locked.status}; item ${report.item} is not taken`, { status: locked.status });
    }
    const current = (await repos.items.list(jobId));
    const item = current.find((i) => i.idx === report.item)!;
    if (itemEnded(item.status)) throw new AppError('conflict', 'JOB_WRONG_STATE', `Item ${report.item} is already ${item.status}`, { status: item.status });
    if (outcome.status === 'done') {
      await repos.items.update(jobId, item.idx, { status: 'done', output: { key: outcome.output.key }, error: null });
      await repos.assets.upsert({
        id: `ast_${randomUUID().replace(/-/g, '')}`, userId: locked.userId, jobId, slot: `out-${item.idx}`, itemIdx: item.idx, kind: 'image',
        storageKey: outcome.output.key, mime: outcome.output.mime, size: outcome.output.size, width: outcome.output.width, height: outcome.output.height,
        durationSec: null, sha256: outcome.output.sha256, phash: null, meta: { key: `out-${item.idx}` },
      });
    } else {
      await repos.items.update(jobId, item.idx, { status: 'failed', error: outcome.error });
      await refundItem(repos, locked, item.idx, `item failed: ${outcome.error.code}`);
    }
    const ended = current.filter((i) => i.idx === item.idx || itemEnded(i.status)).length;
    if (ended === current.length) {
      const resumed = await resumeWaitTx(repos, jobId, { step: PROCESS_STEP }, { ended: true }, now);
      moved = resumed?.moved ?? null;
    }
    const facts = await repos.jobs.update(jobId, { progress: ended / current.length }, ['queued', 'running', 'waiting']);
    return { facts, ended, total: current.length };
  }).catch(async (err: unknown) => {
    // An output nobody will get: the worker stored it for an item that had ended.
    if (err instanceof AppError && err.code === 'JOB_WRONG_STATE' && !(err.details as { replay?: boolean } | undefined)?.replay && report.status === 'done' && report.output.key === expectedKey) {
      const owned = await deps.store.read((r) => r.assets.listForJob(jobId));
      if (!owned.some((a) => a.storageKey === report.output.key)) await deps.storage.delete(report.output.key).catch(() => {});
    }
    throw err;
  });
  if (moved) await afterCommit(deps, moved);
  else if (settled.facts) await publishJob(deps, settled.facts, { message: `${settled.ended} of ${settled.total} images` });
  return { item: report.item, status: outcome.status, ended: settled.ended, total: settled.total };
}

/** Runpod's webhook (provider-apis.md section 4): the job's status object, unsigned. */
const RunpodHook = z.object({
  id: z.string(),
  status: z.string(),
  output: z.object({ callback: z.object({ headers: z.record(z.string(), z.string()), body: z.string() }).nullable() }).partial().nullish(),
}).passthrough();

/**
 * An unsigned POST to a callback URL that is Runpod's webhook (GPU_DISPATCH=runpod names the
 * callback as `/run`'s webhook): its `output` is what our task code returned, the report it
 * already sent signed. That report is taken as a callback of its own, checked the same way (so a
 * forged one fails its signature, and the copy of a report already taken changes nothing). A
 * webhook without a report (FAILED, TIMED_OUT) is only acknowledged: the job's poll asks Runpod
 * and sends the photo again. Null when the body is not a Runpod webhook.
 */
export async function acceptRunpodWebhook(deps: Deps, jobId: string, raw: Uint8Array) {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    return null;
  }
  const hook = RunpodHook.safeParse(json);
  if (!hook.success) return null;
  const signed = hook.data.output?.callback;
  if (!signed) return { runpod_job: hook.data.id, runpod_status: hook.data.status, taken: false };
  try {
    const settled = await acceptCallback(deps, jobId, new Headers(signed.headers), Buffer.from(signed.body));
    return { runpod_job: hook.data.id, runpod_status: hook.data.status, taken: true, item: settled.item };
  } catch (err) {
    // The worker's own callback came first: this copy is a replay, and Runpod needs its 200.
    if (err instanceof AppError && err.code === 'JOB_WRONG_STATE') return { runpod_job: hook.data.id, runpod_status: hook.data.status, taken: false };
    throw err;
  }
}
