import { z } from 'zod';
import { FatalStepError } from '../../core/jobs/step-errors';
import { stepsFor, type PipelineDef } from '../../engine/pipeline';
import { ImageJobInput, PromptJobInput, VideoJobInput } from './studio-input';
import { RATIOS } from './studio-options';
import { expansionRequest, finalPrompt, imagePrompt } from './studio-prompt';

export const STUDIO_APP = 'studio';
export const STUDIO_PIPELINES = { prompt: 'studio.prompt', image: 'studio.image', video: 'studio.video' } as const;
export type StudioKind = keyof typeof STUDIO_PIPELINES;

const THUMB_WIDTH = 320;
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** Seed 001 `/api/prompts`: the text provider expands the idea and its choices into one prompt. */
const expand = stepsFor<PromptJobInput>()({
  name: 'expand',
  weight: 1,
  output: z.object({ prompt: z.string() }),
  async run(ctx) {
    const text = await ctx.predict('expand', 'text', expansionRequest(ctx.input), { reason: 'prompt from the idea' });
    return { output: { prompt: finalPrompt(ctx.input, text) } };
  },
});

export const promptPipeline: PipelineDef<PromptJobInput> = {
  id: STUDIO_PIPELINES.prompt,
  app: STUDIO_APP,
  input: PromptJobInput,
  steps: [expand],
  result: (ctx) => ctx.output(expand),
};

/** Seed 001 `/api/images`: one image at the ratio's size, copied into our storage, and its thumbnail. */
const image = stepsFor<ImageJobInput>()({
  name: 'image',
  weight: 1,
  output: z.object({ imageId: z.string(), thumbId: z.string() }),
  async run(ctx) {
    const { width, height } = RATIOS[ctx.input.ratio];
    const prompt = imagePrompt(ctx.input.prompt, ctx.input.style, ctx.input.negativePrompt);
    const png = await ctx.predict('image', 'image', { prompt, width, height, seed: ctx.input.seed }, { reason: 'image' });
    const asset = await ctx.saveAsset({ slot: 'image', kind: 'image', body: png.png, mime: 'image/png', ext: 'png', width: png.width, height: png.height, meta: { prompt: ctx.input.prompt } });
    const small = await ctx.media.thumbnail(png.png, THUMB_WIDTH);
    const thumb = await ctx.saveAsset({ slot: 'thumb', kind: 'thumb', body: small.jpeg, mime: 'image/jpeg', ext: 'jpg', width: small.width, height: small.height });
    return { output: { imageId: asset.id, thumbId: thumb.id } };
  },
});

export const imagePipeline: PipelineDef<ImageJobInput> = {
  id: STUDIO_PIPELINES.image,
  app: STUDIO_APP,
  input: ImageJobInput,
  steps: [image],
  result: (ctx) => ctx.output(image),
};

/**
 * Seed 001 `/api/videos`: the video provider (SORA2's Videos API, or the route the operator set)
 * makes the clip, from the caller's image when one was given; the step waits for its prediction
 * without holding a worker, resumed by the provider's webhook (`/webhooks/sora2`) or a poll.
 */
const video = stepsFor<VideoJobInput>()({
  name: 'video',
  weight: 1,
  output: z.object({ videoId: z.string(), thumbId: z.string() }),
  async run(ctx) {
    const [width, height] = ctx.input.size.split('x').map(Number) as [number, number];
    let first: Buffer | undefined;
    if (ctx.input.image) {
      first = (await ctx.storage.get(ctx.input.image.key, MAX_IMAGE_BYTES)) ?? undefined;
      if (!first) throw new FatalStepError('The image this video starts from is no longer stored', 'IMAGE_MISSING');
    }
    await ctx.progress(0.05, '대기열에 등록되었습니다');
    const clip = await ctx.predict('video', 'video', { prompt: ctx.input.prompt, image: first, durationSec: ctx.input.seconds, width, height, seed: ctx.input.seed }, { reason: 'video' });
    await ctx.progress(0.9, 'saving');
    const asset = await ctx.saveAsset({ slot: 'video', kind: 'video', body: clip.mp4, mime: 'video/mp4', ext: 'mp4', width: clip.width, height: clip.height, durationSec: clip.durationSec, meta: { prompt: ctx.input.prompt } });
    const poster = await ctx.media.posterFrame(clip.mp4, Math.min(clip.width, 480));
    const thumb = await ctx.saveAsset({ slot: 'thumb', kind: 'thumb', body: poster.jpeg, mime: 'image/jpeg', ext: 'jpg', width: poster.width, height: poster.height });
    return { output: { videoId: asset.id, thumbId: thumb.id } };
  },
});

export const videoPipeline: PipelineDef<VideoJobInput> = {
  id: STUDIO_PIPELINES.video,
  app: STUDIO_APP,
  input: VideoJobInput,
  steps: [video],
  result: (ctx) => ctx.output(video),
};
