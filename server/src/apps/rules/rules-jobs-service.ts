import { AppError, invalid, notFound } from '../../core/errors/app-error';
import { isTerminal } from '../../core/jobs/job-status';
import type { ImageMime } from '../../core/ports/media';
import type { Job, JsonObject } from '../../core/ports/store';
import { priceOf } from '../../services/credits/prices';
import type { Deps } from '../../services/deps';
import { appLimits } from '../../services/identity/plan-limits';
import { assertOwner, type Actor } from '../../services/jobs/actor';
import { admitJob } from '../../services/jobs/admission';
import { cancelJob } from '../../services/jobs/cancel-job';
import { afterCommit, mustMoveJob, type Moved } from '../../services/jobs/move-job';
import { newJobId } from '../../services/jobs/submit-job';
import { getRecord } from '../../services/records/records-service';
import { inspectStoredImage, type StoredImage } from '../../services/uploads/uploads-service';
import {
  BatchInput, MAX_IMAGE_BYTES, UPLOAD_URL_TTL_SEC, batchStatus, inputKey, itemEnded, outputOf, type BatchItemInput,
} from './rules-batch';
import { RULES_APP } from './rules-app-name';
import { PRESETS } from './rules-presets';
import { RULE } from './rules-service';
import type { RuleOperation } from './rule-operations';
import { BATCH_PIPELINE } from './rules-pipeline';


export interface CreateBatchInput {
  rule_id?: string;
  preset_id?: string;
  image_count: number;
  mimes?: ImageMime[];
  sizes?: number[];
}

const jobNotFound = () => notFound('JOB_NOT_FOUND', 'No such job of yours');

/** The caller's batch job, or JOB_NOT_FOUND (another user's job is not found either). */
function ownBatch(job: Job | null, actor: Actor): Job {
  if (!job || job.app !== RULES_APP || job.pipeline !== BATCH_PIPELINE) throw jobNotFound();
  try {
    assertOwner(job, actor);
  } catch {
    throw jobNotFound();
  }
  return job;
}

const wrongState = (job: Job, want: string) => new AppError('conflict', 'JOB_WRONG_STATE', `Job is ${batchStatus(job)}; ${want}`, { status: batchStatus(job) });

/**
 * Seed 003 `POST /jobs`: a draft batch with the rule's operations as they are now and one
 * presigned PUT per photo (Content-Type as declared, JPEG by default; with `sizes`, exactly that
 * many bytes, else up to MAX_IMAGE_BYTES). At most the plan's images per job (INVALID_REQUEST),
 * and the plan's `waitingJobs` not yet run (CONCURRENCY_LIMIT, counted under the user's row lock:
 * nothing is charged until `execute`, so this is what bounds the photos a user may store).
 */
export async function createBatch(deps: Deps, actor: Actor, body: CreateBatchInput) {
  const user = await deps.store.read((r) => r.users.get(actor.userId));
  const limits = appLimits(deps.settings, user?.plan ?? 'free', RULES_APP);
  const most = limits.imagesPerJob!;
  if (body.image_count > most) throw invalid('INVALID_REQUEST', `image_count must be at most ${most} on the ${user?.plan ?? 'free'} plan`, { limit: most });
  const rule = await ruleFor(deps, actor, body);
  const jobId = newJobId();
  const now = deps.clock.now();
  const owner = { id: jobId, userId: actor.userId };
  const images = Array.from({ length: body.image_count }, (_, idx) => {
    const mime = body.mimes?.[idx] ?? 'image/jpeg';
    const size = body.sizes?.[idx];
    return { key: inputKey(owner, idx, mime), declaredMime: mime, ...(size === undefined ? {} : { declaredSize: size }) };
  });
  const input: BatchInput = { rule: rule.ref, operations: rule.operations, output: outputOf(rule.operations), images };
  const job = await deps.store.tx(async (r) => {
    await r.users.getForUpdate(actor.userId);
    const waiting = await r.jobs.countDrafts({ userId: actor.userId, app: RULES_APP });
    if (waiting >= limits.waitingJobs!) {
      throw new AppError('rate_limited', 'CONCURRENCY_LIMIT', `${waiting} of your jobs wait for their photos or to be run, the most on the ${user?.plan ?? 'free'} plan: execute or cancel one first`, { waiting, limit: limits.waitingJobs });
    }
    return r.jobs.insert({
      id: jobId, userId: actor.userId, app: RULES_APP, pipeline: BATCH_PIPELINE, status: 'draft',
      input: input as unknown as JsonObject, entityKey: null, itemCount: images.length, history: [{ status: 'draft', at: now.toISOString() }],
    });
  });
  return { job: await batchView(deps, job), ...(await uploadGrants(deps, images, images.map((_, i) => i))) };
}

/** Presigned PUTs for the photos at `indexes`: as declared (Content-Type; with a size, exactly that many bytes). */
async function uploadGrants(deps: Deps, images: BatchInput['images'], indexes: number[]) {
  const expiresAt = new Date(deps.clock.now().getTime() + UPLOAD_URL_TTL_SEC * 1000).toISOString();
  const uploads = await Promise.all(indexes.map(async (index) => {
    const img = images[index]!;
    const size = img.declaredSize;
    const url = await deps.storage.presignPut({
      key: img.key, contentType: img.declaredMime, size: size ?? MAX_IMAGE_BYTES, upTo: size === undefined, expiresInSec: UPLOAD_URL_TTL_SEC,
    });
    return { index, method: 'PUT' as const, upload_url: url, headers: { 'Content-Type': img.declaredMime }, max_bytes: size ?? MAX_IMAGE_BYTES };
  }));
  return { uploads, expires_at: expiresAt };
}

async function ruleFor(deps: Deps, actor: Actor, body: CreateBatchInput): Promise<{ ref: BatchInput['rule']; operations: RuleOperation[] }> {
  if (body.preset_id !== undefined) {
    const preset = PRESETS.find((p) => p.id === body.preset_id);
    if (!preset) throw notFound('NOT_FOUND', `No preset ${body.preset_id}; GET /s3/presets lists them`);
    return { ref: { source: 'preset', id: preset.id, name: preset.name }, operations: [...preset.operations] };
  }
  const record = await getRecord(deps, actor, body.rule_id!, RULE);
  return { ref: { source: 'rule', id: record.id, name: record.name }, operations: (record.body as { operations: RuleOperation[] }).operations };
}

/** Runs `fn` over `items`, at most `limit` at once, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, idx: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }));
  return out;
}

/**
 * Seed 003 `POST /jobs/{id}/confirm-upload`: every photo is there, within MAX_IMAGE_BYTES, and a
 * real JPEG, PNG or WebP (services/uploads inspectStoredImage: magic bytes and a full decode, in the media toolkit's isolated workers);
 * then the job is `uploaded`. Otherwise INVALID_REQUEST naming each missing or refused index
 * (`details.missing`, `details.invalid`) with fresh upload URLs for them (`details.uploads`,
 * `details.expires_at`: the first ones may have expired); a refused object is deleted first.
 * Confirming an uploaded job again answers it as it is.
 */
export async function confirmBatchUpload(deps: Deps, actor: Actor, jobId: string) {
  const job = ownBatch(await deps.store.read((r) => r.jobs.get(jobId)), actor);
  if (job.status !== 'draft') throw wrongState(job, 'only a job waiting for its photos can be confirmed');
  if (job.state.uploaded === true) return batchView(deps, job);
  const input = BatchInput.parse(job.input);
  const examined = await mapLimit(input.images, 4, (img) => inspectStoredImage(deps, img.key, MAX_IMAGE_BYTES));
  const missing = examined.flatMap((e, i) => (e.status === 'missing' ? [i] : []));
  const bad = examined.flatMap((e, i) => (e.status === 'refused' ? [{ index: i, reason: e.reason }] : []));
  if (missing.length || bad.length) {
    await Promise.all(bad.map((b) => deps.storage.delete(input.images[b.index]!.key)));
    const parts = [
      ...(missing.length ? [`nothing uploaded for index ${missing.join(', ')}`] : []),
      ...bad.map((b) => `index ${b.index}: ${b.reason}`),
    ];
    const again = await uploadGrants(deps, input.images, [...missing, ...bad.map((b) => b.index)].sort((a, b) => a - b));
    throw invalid('INVALID_REQUEST', `Upload not complete: ${parts.join('; ')}; upload them again with error.uploads`, { missing, invalid: bad, ...again });
  }
  const images = input.images.map((img, i) => {
    const e = examined[i] as Extract<StoredImage, { status: 'image' }>;
    return { ...img, mime: e.mime, size: e.size, width: e.width, height: e.height };
  });
  const updated = await deps.store.tx((r) => r.jobs.update(job.id, { input: { ...input, images } as unknown as JsonObject, state: { ...job.state, uploaded: true } }, ['draft']));
  if (!updated) throw wrongState((await deps.store.read((r) => r.jobs.get(job.id)))!, 'only a job waiting for its photos can be confirmed');
  return batchView(deps, updated);
}

/**
 * Seed 003 `POST /jobs/{id}/execute`, through the platform's one admission in one transaction:
 * JOB_WRONG_STATE unless `uploaded`, CONCURRENCY_LIMIT past the plan's running jobs,
 * INSUFFICIENT_CREDITS at the image price (1 credit) times the photos; then each photo is an item
 * charged on its own (a failed one is refunded) and the job is queued: its run sends the items to
 * the GPU workers.
 */
export async function executeBatch(deps: Deps, actor: Actor, jobId: string) {
  const now = deps.clock.now();
  const seen = ownBatch(await deps.store.read((r) => r.jobs.get(jobId)), actor);
  checkUploaded(seen);
  const price = priceOf(deps.settings, RULES_APP, 'image');
  const input = BatchInput.parse(seen.input);
  let queued: Moved | null = null;
  await deps.store.tx(async (repos) => {
    // The user's row first, as admission takes it: a concurrent execute of this job waits here and
    // is then told the job's state (JOB_WRONG_STATE), not the running-jobs limit its twin now holds.
    await repos.users.getForUpdate(seen.userId);
    checkUploaded(ownBatch(await repos.jobs.get(seen.id), actor));
    return admitJob(repos, deps, { userId: seen.userId, app: RULES_APP, jobId: seen.id, items: input.images.map(() => ({ cost: price })) }, now, async () => {
      const locked = checkUploaded(ownBatch(await repos.jobs.getForUpdate(seen.id), actor));
      queued = await mustMoveJob(repos, locked, 'queued', { run: locked.run + 1 }, { now, note: 'executed' });
      await repos.items.insertMany(input.images.map((img, idx) => ({
        jobId: locked.id, idx, status: 'pending' as const, cost: price, output: null, error: null,
        input: { key: img.key, mime: img.mime ?? img.declaredMime } satisfies BatchItemInput,
      })));
      return queued.job;
    });
  });
  await afterCommit(deps, queued);
  return batchView(deps, (queued as Moved | null)!.job);
}

function checkUploaded(job: Job): Job {
  if (job.status !== 'draft' || job.state.uploaded !== true) throw wrongState(job, 'execute needs an uploaded job (confirm-upload first)');
  return job;
}

/**
 * Seed 003 `POST /jobs/{id}/cancel`: the items not done are cancelled and refunded with the job
 * (done ones stay, charged and downloadable). Cancelling a cancelled job answers the same again;
 * a completed or failed one is JOB_WRONG_STATE.
 */
export async function cancelBatch(deps: Deps, actor: Actor, jobId: string) {
  const job = ownBatch(await deps.store.read((r) => r.jobs.get(jobId)), actor);
  if (job.status !== 'cancelled') {
    if (isTerminal(job.status)) throw wrongState(job, 'only a job that has not ended can be cancelled');
    try {
      await cancelJob(deps, actor, jobId);
    } catch (err) {
      // A concurrent cancel won: answer as the repeat it now is.
      const now = await deps.store.read((r) => r.jobs.get(jobId));
      if (!(err instanceof AppError && err.code === 'JOB_WRONG_STATE' && now?.status === 'cancelled')) throw err;
    }
  }
  return batchView(deps, (await deps.store.read((r) => r.jobs.get(jobId)))!);
}

/** Seed 003 `GET /jobs/{id}`. */
export async function getBatch(deps: Deps, actor: Actor, jobId: string) {
  return batchView(deps, ownBatch(await deps.store.read((r) => r.jobs.get(jobId)), actor));
}

/**
 * A batch as the API answers it: status in the seed's words, progress `{done, failed, total}`
 * (cancelled items count in neither), each item with its status and, when done, a signed URL of
 * its result; the credits charged and refunded so far.
 */
export async function batchView(deps: Deps, job: Job) {
  const { items, assets, ledger } = await deps.store.read(async (r) => ({
    items: await r.items.list(job.id), assets: await r.assets.listForJob(job.id), ledger: await r.ledger.listForJob(job.id),
  }));
  const input = BatchInput.parse(job.input);
  const ttl = deps.settings.mediaUrlTtlSec;
  const byItem = new Map(assets.filter((a) => a.itemIdx !== null).map((a) => [a.itemIdx!, a]));
  const itemsByIdx = new Map(items.map((i) => [i.idx, i]));
  const itemViews = await Promise.all(input.images.map(async (img, index) => {
    const item = itemsByIdx.get(index);
    const asset = byItem.get(index);
    const status = item?.status ?? (job.status === 'cancelled' ? 'cancelled' : 'pending');
    return {
      index,
      status,
      // A job cancelled before it ran loses its photos to the sweep (`swept`).
      input_url: job.state.uploaded === true && job.state.swept !== true ? await deps.storage.signedGetUrl(img.key, ttl) : null,
      output_url: status === 'done' && asset ? await deps.storage.signedGetUrl(asset.storageKey, ttl) : null,
      output: status === 'done' && asset ? { mime: asset.mime, size: asset.size, width: asset.width, height: asset.height } : null,
      error: item?.error ? { code: String(item.error.code ?? 'FAILED'), message: String(item.error.message ?? '') } : null,
    };
  }));
  const sum = (kind: string) => ledger.filter((e) => e.kind === kind).reduce((a, e) => a + Math.abs(e.amount), 0);
  return {
    job_id: job.id,
    status: batchStatus(job),
    rule: input.rule,
    operations: input.operations,
    output_format: input.output.mime,
    progress: {
      done: itemViews.filter((i) => i.status === 'done').length,
      failed: itemViews.filter((i) => i.status === 'failed').length,
      total: input.images.length,
    },
    items: itemViews,
    credits: { charged: sum('charge'), refunded: sum('refund') },
    error: job.status === 'failed' && job.error ? { code: String(job.error.code ?? 'FAILED'), message: String(job.error.message ?? '') } : null,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
  };
}
export type BatchView = Awaited<ReturnType<typeof batchView>>;
