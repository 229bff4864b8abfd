import { z } from 'zod';
import { nsfwVerdict } from '../../core/media/nsfw-policy';
import { nearDuplicateOf } from '../../core/media/phash';
import { FatalStepError } from '../../core/jobs/step-errors';
import { stepsFor, type PipelineDef, type StepDef } from '../../engine/pipeline';
import { itemFailureOf } from '../../engine/step-run';
import { placeGeneratedImage } from './gallery-place';
import { GalleryJobInput, ImageItemOutput } from './gallery-input';
import { GALLERY_APP, MAX_BATCH, RATIOS, STYLES } from './gallery-options';

export const GENERATE_PIPELINE = 'gallery.generate';

/** Codes of an image the content guard stopped (the job's `blocked`), as against one that failed. */
export const BLOCKED_CODES = ['CONTENT_BLOCKED', 'DUPLICATE_IMAGE'] as const;

/** How an image that did not finish counts in the job: stopped by the guard, or failed. */
export const blockedOrFailed = (error: { code?: unknown } | null): 'blocked' | 'failed' =>
  (BLOCKED_CODES as readonly unknown[]).includes(error?.code) ? 'blocked' : 'failed';

/** Tries of one image's step: a provider error the provider calls retryable, then the image fails alone. */
const MAX_ATTEMPTS = 3;

const Outcome = z.object({ status: z.enum(['done', 'failed', 'blocked', 'skipped']) });
type Outcome = z.infer<typeof Outcome>;

/** The prompt as the image model reads it: the user's words, the style's, and what to avoid. */
export function imagePrompt(input: Pick<GalleryJobInput, 'prompt' | 'style' | 'negativePrompt'>): string {
  const avoid = input.negativePrompt?.trim() ? `\nAvoid: ${input.negativePrompt.trim()}` : '';
  return `${input.prompt.trim()}\nStyle: ${STYLES[input.style]}${avoid}`;
}

/** Image `idx`'s seed: the batch's seed plus its place, so a batch of 8 asks for 8 different images; within the seeds the API takes (0..2^31-2). */
export const seedOf = (input: GalleryJobInput, idx: number) => (input.seed + idx) % (2 ** 31 - 1);

/**
 * Image `n` of the batch (1..8): the steps have no needs, so the images of a batch generate side
 * by side, each waiting on its own prediction. An image is screened before it is stored anywhere
 * anyone can fetch it: the NSFW classifier (blocked: CONTENT_BLOCKED) and its perceptual hash
 * against the entity's images and this batch's finished ones (DUPLICATE_IMAGE). A blocked or
 * failed image settles its item failed, which refunds its credit; its siblings go on.
 */
function imageStep(n: number): StepDef<GalleryJobInput> {
  const idx = n - 1;
  return stepsFor<GalleryJobInput>()({
    name: `image_${n}`,
    after: [],
    weight: 1,
    maxAttempts: MAX_ATTEMPTS,
    output: Outcome,
    async run(ctx): Promise<{ output: Outcome }> {
      if (idx >= ctx.input.count) return { output: { status: 'skipped' } };
      const item = (await ctx.items()).find((i) => i.idx === idx);
      if (!item) throw new FatalStepError(`The job has no item ${idx}`, 'MISSING_ITEM');
      if (item.status !== 'pending') return { output: { status: item.status === 'done' ? 'done' : blockedOrFailed(item.error) } };
      const settleFailed = async (error: { code: string; message: string }): Promise<{ output: Outcome }> => {
        await ctx.settleItem(idx, { error });
        return { output: { status: blockedOrFailed(error) } };
      };
      try {
        const { width, height } = RATIOS[ctx.input.ratio];
        const seed = seedOf(ctx.input, idx);
        const image = await ctx.predict(`image_${n}`, 'image', { prompt: imagePrompt(ctx.input), width, height, seed }, { reason: `image ${n} of ${ctx.input.count}` });
        const screening = await ctx.media.screenImage(image.png);
        const nsfw = nsfwVerdict(screening.nsfw);
        if (nsfw) return await settleFailed({ code: 'CONTENT_BLOCKED', message: `Blocked by the content guard: ${nsfw}` });
        const siblings = (await ctx.items()).flatMap((i) => (i.status === 'done' ? [ImageItemOutput.parse(i.output).phash] : []));
        if (nearDuplicateOf(screening.phash, [...ctx.input.knownPhashes, ...siblings])) {
          return await settleFailed({ code: 'DUPLICATE_IMAGE', message: 'A near-duplicate of an image this gallery has; not kept twice' });
        }
        const asset = await ctx.saveAsset({
          slot: `image_${n}`, kind: 'image', body: image.png, mime: 'image/png', ext: 'png', width: image.width, height: image.height,
          phash: screening.phash, item: idx, meta: { entity: ctx.input.entity.id, seed },
        });
        const output: ImageItemOutput = { assetId: asset.id, phash: screening.phash, width: image.width, height: image.height, seed, provider: ctx.providers.image.name };
        await ctx.settleItem(idx, { output });
        return { output: { status: 'done' } };
      } catch (err) {
        return settleFailed(itemFailureOf({ maxAttempts: MAX_ATTEMPTS }, ctx.attempt, err));
      }
    },
  });
}

const IMAGE_STEPS = Array.from({ length: MAX_BATCH }, (_, i) => imageStep(i + 1));

/** After every image: the batch's counts; a batch with no image kept fails (what it held of the daily limit comes back). */
const finish = stepsFor<GalleryJobInput>()({
  name: 'finish',
  after: IMAGE_STEPS.map((s) => s.name),
  weight: 0,
  local: false,
  output: z.object({ done: z.number().int(), failed: z.number().int(), blocked: z.number().int() }),
  async run(ctx) {
    const outcomes = IMAGE_STEPS.map((s) => (ctx.outputs[s.name] as { status: string } | undefined)?.status);
    const count = (status: string) => outcomes.filter((o) => o === status).length;
    const counts = { done: count('done'), failed: count('failed'), blocked: count('blocked') };
    if (counts.done === 0) throw new FatalStepError(`None of the ${ctx.input.count} images could be kept (${counts.blocked} blocked, ${counts.failed} failed)`, 'ALL_FAILED');
    return { output: counts };
  },
});

/** Seed 004 `POST /media/generate`: 1..8 images of one entity, generated side by side, each guarded. */
export const generatePipeline: PipelineDef<GalleryJobInput> = {
  id: GENERATE_PIPELINE,
  app: GALLERY_APP,
  input: GalleryJobInput,
  steps: [...IMAGE_STEPS, finish],
  result: (ctx) => ctx.output(finish),
  onItemSettled: placeGeneratedImage,
};
