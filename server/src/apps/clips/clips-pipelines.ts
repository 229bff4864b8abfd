import { createHash } from 'node:crypto';
import { FatalStepError } from '../../core/jobs/step-errors';
import { InvalidMediaError, MediaLimitError } from '../../core/ports/media';
import type { Json } from '../../core/ports/store';
import type { PipelineDef, StepContext, StepDef } from '../../engine/pipeline';
import { clipsInput, jobSeed, splitScenes, storyBrief } from './clip-prompts';

const REF_SIZE = 512;
const CLIP = { quick: { w: 360, h: 640, sec: 2 }, story: { w: 360, h: 640, sec: 3 } } as const;
const SCENE = { w: 640, h: 360, sec: 2 };
const TRAILER_SCENES = 4;

/**
 * A photo that cannot be read, or whose processing was killed for memory or time, would do the same
 * on every retry: fatal to the job (failed and refunded), with the reason.
 */
async function photoFault<T>(i: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InvalidMediaError || err instanceof MediaLimitError) throw new FatalStepError(`Photo ${i + 1} cannot be used: ${err.message}`, 'INVALID_PHOTO');
    throw err;
  }
}

/** Normalised reference images from the user's photos: the identity every clip is generated from. */
const identityPack: StepDef = {
  name: 'identity_pack',
  after: [],
  weight: 1,
  async run(ctx) {
    const input = clipsInput(ctx.job.input);
    const refs: Json[] = [];
    for (const [i, photo] of input.photos.entries()) {
      const body = await ctx.deps.storage.get(photo.key, 10 * 1024 * 1024);
      if (!body) throw new FatalStepError(`Photo ${i + 1} is no longer available`, 'PHOTO_MISSING');
      // The bytes must be those verified at draft time: an S3 PUT URL can be used again for its life.
      if (photo.sha256 && createHash('sha256').update(body).digest('hex') !== photo.sha256) {
        throw new FatalStepError(`Photo ${i + 1} changed after it was checked; upload it again`, 'PHOTO_CHANGED');
      }
      const { norm, phash } = await photoFault(i, async () => {
        const norm = await ctx.deps.media.normalizeImage(body, REF_SIZE);
        return { norm, phash: await ctx.deps.media.perceptualHash(norm.png) };
      });
      const asset = await ctx.saveAsset({
        slot: `ref_${i + 1}`, kind: 'image', body: norm.png, mime: 'image/png', ext: 'png',
        width: norm.width, height: norm.height, phash,
      });
      refs.push({ assetId: asset.id, key: asset.storageKey });
      await ctx.progress((i + 1) / input.photos.length);
    }
    return { output: { refs } };
  },
};

/** Needs the input only: it runs beside identity_pack. */
const prompts = (scenes: number): StepDef => ({
  name: 'prompts',
  after: [],
  weight: 1,
  async run(ctx) {
    const input = clipsInput(ctx.job.input);
    const brief = storyBrief(input, scenes);
    const text = await ctx.deps.providers.text.complete({ ...brief, seed: jobSeed(ctx.job.id), maxChars: 2000 });
    const scenePrompts = splitScenes(text, scenes, brief.prompt);
    const music = `${input.genre} score, ${input.sliders.intensity > 0.5 ? 'driving' : 'calm'} mood`;
    return { output: { scenes: scenePrompts, music } };
  },
});

async function referenceImages(ctx: StepContext): Promise<Buffer[]> {
  const refs = (ctx.outputs.identity_pack as { refs: { key: string }[] }).refs;
  const bufs = await Promise.all(refs.map((r) => ctx.deps.storage.get(r.key, 20 * 1024 * 1024)));
  return bufs.filter((b): b is Buffer => b !== null);
}

const scenePrompt = (ctx: StepContext, n: number) => (ctx.outputs.prompts as { scenes: string[] }).scenes[n - 1] ?? '';

/** One clip: a keyframe from the identity pack, animated, plus its poster thumbnail. */
type ClipSize = { w: number; h: number; sec: number };

/** Needs the references and its prompt: every clip of a job runs beside the others. */
const clipStep = (n: number, opts: { slot: string; thumb: boolean; size: (ctx: StepContext) => ClipSize }): StepDef => ({
  name: opts.slot,
  after: ['identity_pack', 'prompts'],
  weight: 3,
  async run(ctx) {
    const size = opts.size(ctx);
    const prompt = scenePrompt(ctx, n);
    const seed = jobSeed(ctx.job.id, n);
    const frame = await ctx.deps.providers.image.generate({ prompt, width: size.w, height: size.h, seed, references: await referenceImages(ctx) });
    await ctx.progress(0.4, `clip ${n}: keyframe`);
    const video = await ctx.deps.providers.video.generate({ prompt, image: frame.png, durationSec: size.sec, width: size.w, height: size.h, seed });
    const clip = await ctx.saveAsset({
      slot: opts.slot, kind: 'video', body: video.mp4, mime: 'video/mp4', ext: 'mp4',
      width: video.width, height: video.height, durationSec: video.durationSec, meta: { prompt },
    });
    let thumbId: string | null = null;
    if (opts.thumb) {
      const poster = await ctx.deps.media.posterFrame(video.mp4, Math.min(size.w, 360));
      const thumb = await ctx.saveAsset({ slot: `thumb_${n}`, kind: 'thumb', body: poster.jpeg, mime: 'image/jpeg', ext: 'jpg', width: poster.width, height: poster.height });
      thumbId = thumb.id;
    }
    return { output: { assetId: clip.id, key: clip.storageKey, thumbId } };
  },
});

/** Needs only its prompt: it runs beside the scenes. */
const musicBed: StepDef = {
  name: 'music',
  after: ['prompts'],
  weight: 1,
  async run(ctx) {
    const prompt = (ctx.outputs.prompts as { music: string }).music;
    const audio = await ctx.deps.providers.music.generate({ prompt, durationSec: TRAILER_SCENES * SCENE.sec, seed: jobSeed(ctx.job.id, 99) });
    const asset = await ctx.saveAsset({ slot: 'music_bed', kind: 'audio', body: audio.wav, mime: 'audio/wav', ext: 'wav', durationSec: audio.durationSec, meta: { prompt } });
    return { output: { key: asset.storageKey } };
  },
};

const assemble: StepDef = {
  name: 'assemble',
  after: [...Array.from({ length: TRAILER_SCENES }, (_, i) => `scene_${i + 1}`), 'music'],
  weight: 2,
  async run(ctx) {
    const keys = Array.from({ length: TRAILER_SCENES }, (_, i) => (ctx.outputs[`scene_${i + 1}`] as { key: string }).key);
    const clips = await Promise.all(keys.map((k) => ctx.deps.storage.get(k, 200 * 1024 * 1024)));
    const audio = await ctx.deps.storage.get((ctx.outputs.music as { key: string }).key, 200 * 1024 * 1024);
    if (clips.some((c) => !c) || !audio) throw new FatalStepError('A scene or the music bed is missing', 'ASSET_MISSING');
    const final = await ctx.deps.media.assemble(clips as Buffer[], audio);
    const info = await ctx.deps.media.probeVideo(final.mp4);
    const asset = await ctx.saveAsset({
      slot: 'video_final', kind: 'video', body: final.mp4, mime: 'video/mp4', ext: 'mp4',
      width: info.width, height: info.height, durationSec: final.durationSec,
    });
    const poster = await ctx.deps.media.posterFrame(final.mp4, 360);
    await ctx.saveAsset({ slot: 'thumb_final', kind: 'thumb', body: poster.jpeg, mime: 'image/jpeg', ext: 'jpg', width: poster.width, height: poster.height });
    return { output: { assetId: asset.id } };
  },
};

/** Quick and story: three clips with thumbnails (clip_1..3, thumb_1..3); identity_pack and prompts, then the three clips, side by side. */
export const clipsPipeline: PipelineDef = {
  id: 'clips.clips',
  app: 'clips',
  steps: [
    identityPack,
    prompts(3),
    ...[1, 2, 3].map((n) =>
      clipStep(n, { slot: `clip_${n}`, thumb: true, size: (ctx) => CLIP[clipsInput(ctx.job.input).mode === 'quick' ? 'quick' : 'story'] }),
    ),
  ],
};

/** Trailer: scene clips assembled with a music bed into one video_final; the scenes and the music run side by side, then assemble. */
export const trailerPipeline: PipelineDef = {
  id: 'clips.trailer',
  app: 'clips',
  steps: [
    identityPack,
    prompts(TRAILER_SCENES),
    ...Array.from({ length: TRAILER_SCENES }, (_, i) => clipStep(i + 1, { slot: `scene_${i + 1}`, thumb: false, size: () => SCENE })),
    musicBed,
    assemble,
  ],
};
