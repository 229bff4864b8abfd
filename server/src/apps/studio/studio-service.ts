import { randomInt } from 'node:crypto';
import { forbidden, notFound } from '../../core/errors/app-error';
import type { Job, JsonObject } from '../../core/ports/store';
import { priceOf } from '../../services/credits/prices';
import type { Deps } from '../../services/deps';
import { takeRateAllowance } from '../../services/identity/rate-limit';
import { assertOwner, type Actor } from '../../services/jobs/actor';
import { awaitJobResult } from '../../services/jobs/await-job';
import { cancelJob } from '../../services/jobs/cancel-job';
import { submitJob } from '../../services/jobs/submit-job';
import { moderate } from '../../services/moderation/moderate-prompt';
import type { ImageJobInput, PromptJobInput, VideoJobInput } from './studio-input';
import type { STUDIO_PLAN_LIMITS } from './studio-options';
import { STUDIO_APP, STUDIO_PIPELINES, type StudioKind } from './studio-pipelines';

type RateKey = keyof typeof STUDIO_PLAN_LIMITS.free;

/** A fresh 31-bit seed: what makes a regenerate differ from the first try. */
export const newSeed = () => randomInt(0, 2 ** 31 - 1);

/** Rate limit of the endpoint family, then moderation: both before any charge. */
async function gate(deps: Deps, actor: Actor, key: RateKey, ...texts: (string | undefined)[]) {
  await takeRateAllowance(deps, actor.userId, STUDIO_APP, key);
  await moderate(deps, ...texts);
}

const submit = (deps: Deps, actor: Actor, kind: StudioKind, input: JsonObject, cost: number) =>
  submitJob(deps, { userId: actor.userId, app: STUDIO_APP, pipeline: STUDIO_PIPELINES[kind], input, cost });

/** Seed 001 `/api/prompts`: the expanded prompt. Free, rate-limited, moderated, a job of its own (history, admin trace). */
export async function expandPrompt(deps: Deps, actor: Actor, fields: PromptJobInput): Promise<{ prompt: string; jobId: string }> {
  await gate(deps, actor, 'promptsPerMinute', fields.idea, fields.extra);
  const job = await submit(deps, actor, 'prompt', { ...fields }, 0);
  const done = await awaitJobResult(deps, actor, job.id, 'PROMPT');
  return { prompt: (done.result as { prompt: string }).prompt, jobId: job.id };
}

/** Seed 001 `/api/images`: charged on admission, answered once the image is in our storage. */
export async function generateImage(deps: Deps, actor: Actor, input: ImageJobInput): Promise<{ jobId: string; imageId: string }> {
  await gate(deps, actor, 'imagesPerMinute', input.prompt, input.negativePrompt);
  return makeImage(deps, actor, input);
}

async function makeImage(deps: Deps, actor: Actor, input: ImageJobInput) {
  const job = await submit(deps, actor, 'image', { ...input }, priceOf(deps.settings, STUDIO_APP, 'image'));
  const done = await awaitJobResult(deps, actor, job.id, 'IMAGE');
  return { jobId: job.id, imageId: (done.result as { imageId: string }).imageId };
}

/**
 * The caller's own studio image, delivered (its job completed): what a video may start from and a
 * regenerate repeats. 404 IMAGE_NOT_FOUND otherwise; another user's is 403 as every resource's.
 */
export async function ownImage(deps: Deps, actor: Actor, imageId: string) {
  const found = await deps.store.read(async (r) => {
    const asset = await r.assets.get(imageId);
    const job = asset?.jobId ? await r.jobs.get(asset.jobId) : null;
    return asset && job ? { asset, job } : null;
  });
  if (!found || found.asset.kind !== 'image' || found.job.pipeline !== STUDIO_PIPELINES.image || found.job.status !== 'completed') {
    throw notFound('IMAGE_NOT_FOUND', `Image ${imageId} not found`);
  }
  if (found.asset.userId !== actor.userId && !actor.isAdmin) throw forbidden('FORBIDDEN', 'This image is not yours');
  return found;
}

/** Seed 001 section 6: the same inputs as the image's, a new seed, charged again. */
export async function regenerateImage(deps: Deps, actor: Actor, imageId: string) {
  await takeRateAllowance(deps, actor.userId, STUDIO_APP, 'imagesPerMinute');
  const { job } = await ownImage(deps, actor, imageId);
  const input = job.input as ImageJobInput;
  return makeImage(deps, actor, { ...input, seed: newSeed(), regeneratedFrom: imageId });
}

export interface VideoRequestInput {
  prompt: string;
  imageId?: string;
  seconds: VideoJobInput['seconds'];
  size?: VideoJobInput['size'];
  seed?: number;
}

/** Seed 001 `/api/videos`: a queued job at once, charged on acceptance, refunded if it does not complete. */
export async function startVideo(deps: Deps, actor: Actor, req: VideoRequestInput): Promise<{ jobId: string }> {
  await gate(deps, actor, 'videosPerMinute', req.prompt);
  let image: VideoJobInput['image'];
  let size = req.size;
  if (req.imageId) {
    const { asset } = await ownImage(deps, actor, req.imageId);
    image = { id: asset.id, key: asset.storageKey };
    // The video takes the image's orientation unless told otherwise.
    size ??= (asset.height ?? 0) > (asset.width ?? 0) ? '720x1280' : '1280x720';
  }
  const input: VideoJobInput = { prompt: req.prompt, ...(image ? { image } : {}), seconds: req.seconds, size: size ?? '1280x720', seed: req.seed ?? newSeed() };
  return queueVideo(deps, actor, input);
}

async function queueVideo(deps: Deps, actor: Actor, input: VideoJobInput) {
  const job = await submit(deps, actor, 'video', { ...input }, priceOf(deps.settings, STUDIO_APP, 'video'));
  return { jobId: job.id };
}

export const videoNotFound = (jobId: string) => notFound('VIDEO_NOT_FOUND', `Video job ${jobId} not found`);

/** The caller's studio video job, or 404 VIDEO_NOT_FOUND (a job of another kind is not a video). */
async function ownVideoJob(deps: Deps, actor: Actor, jobId: string): Promise<Job> {
  const job = await deps.store.read((r) => r.jobs.get(jobId));
  if (!job || job.pipeline !== STUDIO_PIPELINES.video) throw videoNotFound(jobId);
  assertOwner(job, actor);
  return job;
}

/** Seed 001 section 6: the video's inputs again (its image still the caller's), a new seed, charged again. */
export async function regenerateVideo(deps: Deps, actor: Actor, jobId: string): Promise<{ jobId: string }> {
  await takeRateAllowance(deps, actor.userId, STUDIO_APP, 'videosPerMinute');
  const job = await ownVideoJob(deps, actor, jobId);
  const input = job.input as VideoJobInput;
  if (input.image) await ownImage(deps, actor, input.image.id);
  return queueVideo(deps, actor, { ...input, seed: newSeed(), regeneratedFrom: jobId });
}

/** Cancels a video not yet ended; what was charged for it comes back (409 JOB_WRONG_STATE once ended). */
export async function cancelVideo(deps: Deps, actor: Actor, jobId: string) {
  await ownVideoJob(deps, actor, jobId);
  const { job, refunded } = await cancelJob(deps, actor, jobId);
  return { jobId: job.id, status: 'cancelled' as const, refunded };
}
