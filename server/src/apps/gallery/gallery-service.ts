import { randomInt } from 'node:crypto';
import { notFound } from '../../core/errors/app-error';
import type { Entity, EntityKind, Job, JobItem } from '../../core/ports/store';
import { priceOf } from '../../services/credits/prices';
import type { Deps } from '../../services/deps';
import type { Actor } from '../../services/jobs/actor';
import { cancelJob } from '../../services/jobs/cancel-job';
import { submitJob } from '../../services/jobs/submit-job';
import { moderate } from '../../services/moderation/moderate-prompt';
import { checkPromptTerms, type galleryBlocklist } from './gallery-blocklist';
import { ownEntity } from './gallery-entities';
import { viewUrls } from './gallery-images';
import { galleryEntityKey } from './gallery-place';
import { GalleryJobInput, ImageItemOutput } from './gallery-input';
import { GALLERY_APP, type Ratio, type Style } from './gallery-options';
import { blockedOrFailed, GENERATE_PIPELINE } from './gallery-pipeline';

export interface GenerateRequest {
  entityKind: EntityKind;
  entityId: string;
  count: number;
  prompt: string;
  negativePrompt?: string;
  style: Style;
  ratio: Ratio;
  seed?: number;
  variationStrength?: number;
}

/**
 * Seed 004 `POST /media/generate`: the owner's batch of 1..8 images (403 NOT_OWNER for another's
 * entity, 404 for none). Before any charge: the blocklist (400 PROMPT_BLOCKED) and the moderation
 * port (400 PROMPT_REFUSED, 503 when unreachable). Then one admission: the daily images (429
 * DAILY_LIMIT with Retry-After), one running batch per entity (409 ENTITY_BUSY), the balance for
 * every image (402), each image charged as its own item so a failed or blocked one is refunded alone.
 */
export async function generateImages(deps: Deps, actor: Actor, blocklist: ReturnType<typeof galleryBlocklist>, req: GenerateRequest): Promise<Job> {
  const entity = await ownEntity(deps, actor, req.entityKind, req.entityId);
  // The negative prompt is what the image must not show ("nude, nsfw"): not a request for it.
  checkPromptTerms(blocklist, req.prompt);
  await moderate(deps, req.prompt);
  const known = await deps.store.read((r) => r.mediaAssets.listForEntity(entity.id));
  const input: GalleryJobInput = {
    entity: { kind: entity.kind, id: entity.id }, prompt: req.prompt, ...(req.negativePrompt ? { negativePrompt: req.negativePrompt } : {}),
    style: req.style, ratio: req.ratio, seed: req.seed ?? randomInt(0, 2 ** 31 - 1),
    ...(req.variationStrength === undefined ? {} : { variationStrength: req.variationStrength }),
    count: req.count, knownPhashes: known.flatMap((k) => (k.phash ? [k.phash] : [])),
  };
  const cost = priceOf(deps.settings, GALLERY_APP, 'image');
  return submitJob(deps, {
    userId: actor.userId, app: GALLERY_APP, pipeline: GENERATE_PIPELINE, input: { ...input },
    items: Array.from({ length: req.count }, (_, idx) => ({ input: { index: idx }, cost })),
    entity: { key: galleryEntityKey(entity.id), maxActive: 1, message: () => `A batch for this ${entity.kind} is still generating; wait for it to finish or cancel it` },
    daily: {
      key: 'imagesPerDay', units: req.count,
      message: (limit, used) => (used >= limit
        ? `Daily limit reached: ${limit} images a day. Try again tomorrow`
        : `${used} of your ${limit} images today are made: ask for at most ${limit - used}, or try again tomorrow`),
    },
  });
}

const jobNotFound = (jobId: string) => notFound('JOB_NOT_FOUND', `No image job ${jobId} of yours`);

/** The caller's batch job; 404 JOB_NOT_FOUND when none, not a batch, or another user's (its entity may be private). */
export async function ownBatch(deps: Pick<Deps, 'store'>, actor: Actor, jobId: string): Promise<{ job: Job; items: JobItem[]; entity: Entity | null }> {
  const found = await deps.store.read(async (r) => {
    const job = await r.jobs.get(jobId);
    if (!job || job.pipeline !== GENERATE_PIPELINE) return null;
    const input = GalleryJobInput.parse(job.input);
    return { job, items: await r.items.list(jobId), entity: await r.entities.get(input.entity.id) };
  });
  if (!found || (found.job.userId !== actor.userId && !actor.isAdmin)) throw jobNotFound(jobId);
  return found;
}

/** The seed's job status words: running until the job ends. */
const statusWord = (job: Job): 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' =>
  job.status === 'queued' || job.status === 'draft' ? 'queued' : job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled' ? job.status : 'running';

/**
 * Seed `GET /media/jobs/{job_id}`: `{status, progress, results: [{asset_id, url}]}` with the images
 * kept so far in batch order (they arrive one by one), and what did not make it: `failed` and
 * `blocked` counts, and `errors` with each one's reason and the credits it gave back (a cancelled
 * batch's unmade images included). `progress`: the share of its images that have ended.
 */
export async function batchView(deps: Deps, found: { job: Job; items: JobItem[]; entity: Entity | null }) {
  const { job, items, entity } = found;
  const input = GalleryJobInput.parse(job.input);
  const done = items.filter((i) => i.status === 'done').map((i) => ({ item: i, out: ImageItemOutput.parse(i.output) }));
  // Only images still in the gallery: one deleted since (or its entity) is no result any more.
  const kept = entity ? new Set(await deps.store.read(async (r) => (await r.mediaAssets.listForEntity(entity.id)).map((m) => m.id))) : new Set<string>();
  const urls = entity ? await viewUrls(deps, entity, done.map((d) => d.out.assetId).filter((id) => kept.has(id))) : new Map<string, string>();
  const results = done.filter((d) => urls.has(d.out.assetId)).map((d) => ({ index: d.item.idx, asset_id: d.out.assetId, url: urls.get(d.out.assetId)! }));
  // Images a cancelled or failed job never made are settled with it (cancelled, or failed without an error of their own).
  const unmade = job.status === 'cancelled' ? { code: 'CANCELLED', message: 'Not made: the batch was cancelled' } : { code: String(job.error?.code ?? 'FAILED'), message: `Not made: ${String(job.error?.message ?? 'the batch failed')}` };
  const errors = items.filter((i) => i.status === 'failed' || i.status === 'cancelled').map((i) => {
    const own = i.status === 'failed' && i.error ? { code: String(i.error.code ?? 'FAILED'), message: String(i.error.message ?? '') } : unmade;
    return { index: i.idx, kind: i.status === 'failed' ? blockedOrFailed(i.error) : 'failed' as const, ...own, refunded: i.cost };
  });
  // The share of the batch's images that have ended (the steps of images not asked for count for nothing).
  const progress = job.status === 'completed' ? 1 : (done.length + errors.length) / Math.max(1, items.length);
  return {
    job_id: job.id, status: statusWord(job), progress,
    entity_type: input.entity.kind, entity_id: input.entity.id, count: input.count,
    results,
    succeeded: done.length,
    failed: errors.filter((e) => e.kind === 'failed').length,
    blocked: errors.filter((e) => e.kind === 'blocked').length,
    errors,
    refunded: errors.reduce((a, e) => a + e.refunded, 0),
    error: job.status === 'failed' ? { code: String(job.error?.code ?? 'FAILED'), message: String(job.error?.message ?? '') } : null,
    created_at: job.createdAt.toISOString(),
  };
}

/** The seed's cancel button: a batch not ended stops; what it had not made is refunded. */
export async function cancelBatch(deps: Deps, actor: Actor, jobId: string) {
  await ownBatch(deps, actor, jobId);
  const { refunded } = await cancelJob(deps, actor, jobId);
  return { refunded };
}
