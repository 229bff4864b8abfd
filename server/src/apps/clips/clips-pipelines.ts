import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FatalStepError } from '../../core/jobs/step-errors';
import { InvalidMediaError, MediaLimitError } from '../../core/ports/media';
import type { GeneratedVideo } from '../../core/ports/providers';
import { stepsFor, type PipelineDef, type StepContext } from '../../engine/pipeline';
import { jobSeed, splitScenes, storyBrief } from './clip-prompts';
import { ClipsInputSchema, type ClipsInput } from './clips-input';

const REF_SIZE = 512;
const CLIP = { quick: { w: 360, h: 640, sec: 2 }, story: { w: 360, h: 640, sec: 3 } } as const;
const SCENE = { w: 640, h: 360, sec: 2 };
const TRAILER_SCENES = 4;

const step = stepsFor<ClipsInput>();
type Ctx = StepContext<ClipsInput>;

/**
 * A photo that cannot be read, or whose processing was killed for memory or time, would do the same
 * on every retry: fatal to the job (failed and refunded), with the reason.
 */
async function photoFault<T>(i: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InvalidMediaError || err instanceof MediaLimitError) throw new FatalStepError(`Photo ${i + 1} cannot be used: ${err.message}`, 'INVALID_PHOTO', { cause: err });
    throw err;
  }
}

/** Normalised reference images from the user's photos: the identity every clip is generated from. */
const identityPack = step({
  name: 'identity_pack',
  after: [],
  weight: 1,
  output: z.object({ refs: z.array(z.object({ assetId: z.string(), key: z.string() })) }),
  async run(ctx) {
    const refs: { assetId: string; key: string }[] = [];
    for (const [i, photo] of ctx.input.photos.entries()) {
      const body = await ctx.storage.get(photo.key, 10 * 1024 * 1024);
      if (!body) throw new FatalStepError(`Photo ${i + 1} is no longer available`, 'PHOTO_MISSING');
      // The bytes must be those verified at draft time: an S3 PUT URL can be used again for its life.
      if (photo.sha256 && createHash('sha256').update(body).digest('hex') !== photo.sha256) {
        throw new FatalStepError(`Photo ${i + 1} changed after it was checked; upload it again`, 'PHOTO_CHANGED');
      }
      const { norm, phash } = await photoFault(i, async () => {
        const norm = await ctx.media.normalizeImage(body, REF_SIZE);
        return { norm, phash: await ctx.media.perceptualHash(norm.png) };
      });
      const asset = await ctx.saveAsset({
        slot: `ref_${i + 1}`, kind: 'image', body: norm.png, mime: 'image/png', ext: 'png',
        width: norm.width, height: norm.height, phash,
      });
      refs.push({ assetId: asset.id, key: asset.storageKey });
      await ctx.progress((i + 1) / ctx.input.photos.length);
    }
    return { output: { refs } };
  },
});

/** A prompt per clip (three, or the trailer's scenes) and one for the music bed. Needs the input only: it runs beside identity_pack. */
const promptsStep = step({
  name: 'prompts',
  after: [],
  weight: 1,
  output: z.object({ scenes: z.array(z.string()).min(1), music: z.string() }),
  async run(ctx) {
    const scenes = ctx.input.mode === 'trailer' ? TRAILER_SCENES : 3;
    const brief = storyBrief(ctx.input, scenes);
    const text = await ctx.predict('scenes', 'text', { ...brief, seed: jobSeed(ctx.job.id), maxChars: 2000 }, { reason: 'scene prompts' });
    const scenePrompts = splitScenes(text, scenes, brief.prompt);
    const music = `${ctx.input.genre} score, ${ctx.input.sliders.intensity > 0.5 ? 'driving' : 'calm'} mood`;
    return { output: { scenes: scenePrompts, music } };
  },
});

async function referenceImages(ctx: Ctx): Promise<Buffer[]> {
  const { refs } = ctx.output(identityPack);
  const bufs = await Promise.all(refs.map((r) => ctx.storage.get(r.key, 20 * 1024 * 1024)));
  return bufs.filter((b): b is Buffer => b !== null);
}

const scenePrompt = (ctx: Ctx, n: number) => ctx.output(promptsStep).scenes[n - 1] ?? '';

type ClipSize = { w: number; h: number; sec: number };

/**
 * One clip: a keyframe from the identity pack, animated by the video provider, plus its poster
 * thumbnail. Both are predictions (ctx.predict): the step waits for each, holding no worker slot,
 * and runs again from its start when one settles, so everything before the last predict only reads.
 */
const clipStep = (n: number, opts: { slot: string; thumb: boolean; size: (ctx: Ctx) => ClipSize }) => {
  return step({
    name: opts.slot,
    // Needs the references and its prompt: every clip of a job runs beside the others.
    after: ['identity_pack', 'prompts'],
    weight: 3,
    // The clip's facts spare assemble a probe of each scene; optional for runs stored before they were kept.
    output: z.object({
      assetId: z.string(), key: z.string(), thumbId: z.string().nullable(),
      durationSec: z.number().positive().optional(), width: z.number().int().positive().optional(), height: z.number().int().positive().optional(),
      fps: z.number().positive().optional(),
    }),
    async run(ctx) {
      const size = opts.size(ctx);
      const prompt = scenePrompt(ctx, n);
      const seed = jobSeed(ctx.job.id, n);
      const frame = await ctx.predict('keyframe', 'image', { prompt, width: size.w, height: size.h, seed, references: await referenceImages(ctx) }, { reason: `keyframe of clip ${n}` });
      await ctx.progress(0.4, `clip ${n}: keyframe`);
      const video = await ctx.predict('video', 'video', { prompt, image: frame.png, durationSec: size.sec, width: size.w, height: size.h, seed }, { reason: `video of clip ${n}` });
      return finish(ctx, video, frame.png, prompt);
    },
  });

  async function finish(ctx: Ctx, video: GeneratedVideo, keyframe: Buffer, prompt: string) {
    const clip = await ctx.saveAsset({
      slot: opts.slot, kind: 'video', body: video.mp4, mime: 'video/mp4', ext: 'mp4',
      width: video.width, height: video.height, durationSec: video.durationSec, meta: { prompt },
    });
    let thumbId: string | null = null;
    if (opts.thumb) {
      // The clip starts on its keyframe (the video is made from it): the keyframe is its poster, a
      // resize instead of decoding the video again.
      const poster = await ctx.media.thumbnail(keyframe, Math.min(video.width, 360));
      const thumb = await ctx.saveAsset({ slot: `thumb_${n}`, kind: 'thumb', body: poster.jpeg, mime: 'image/jpeg', ext: 'jpg', width: poster.width, height: poster.height });
      thumbId = thumb.id;
    }
    return { output: { assetId: clip.id, key: clip.storageKey, thumbId, durationSec: video.durationSec, width: video.width, height: video.height, ...(video.fps ? { fps: video.fps } : {}) } };
  }
};

/** Needs only its prompt: it runs beside the scenes. */
const musicBed = step({
  name: 'music',
  after: ['prompts'],
  weight: 1,
  output: z.object({ key: z.string() }),
  async run(ctx) {
    const prompt = ctx.output(promptsStep).music;
    const audio = await ctx.predict('bed', 'music', { prompt, durationSec: TRAILER_SCENES * SCENE.sec, seed: jobSeed(ctx.job.id, 99) }, { reason: 'music bed' });
    const asset = await ctx.saveAsset({ slot: 'music_bed', kind: 'audio', body: audio.wav, mime: 'audio/wav', ext: 'wav', durationSec: audio.durationSec, meta: { prompt } });
    return { output: { key: asset.storageKey } };
  },
});

const sceneSteps = Array.from({ length: TRAILER_SCENES }, (_, i) => clipStep(i + 1, { slot: `scene_${i + 1}`, thumb: false, size: () => SCENE }));

const assemble = step({
  name: 'assemble',
  after: [...Array.from({ length: TRAILER_SCENES }, (_, i) => `scene_${i + 1}`), 'music'],
  weight: 2,
  output: z.object({ assetId: z.string() }),
  async run(ctx) {
    const scenes = sceneSteps.map((s) => ctx.output(s));
    const [audio, ...stored] = await Promise.all([ctx.output(musicBed).key, ...scenes.map((s) => s.key)].map((k) => ctx.storage.get(k, 200 * 1024 * 1024)));
    if (!audio || stored.some((c) => c === null)) throw new FatalStepError('A scene or the music bed is missing', 'ASSET_MISSING');
    const clips = scenes.map(({ durationSec, width, height, fps }, i) => ({
      mp4: stored[i]!,
      // A GeneratedVideo always has a sound track (core/ports/providers.ts).
      ...(durationSec && width && height ? { facts: { durationSec, width, height, hasAudio: true, ...(fps ? { fps } : {}) } } : {}),
    }));
    const final = await ctx.media.assemble(clips, audio, { posterWidth: 360 });
    const poster = final.poster ?? (await ctx.media.posterFrame(final.mp4, 360));
    const [asset] = await Promise.all([
      ctx.saveAsset({ slot: 'video_final', kind: 'video', body: final.mp4, mime: 'video/mp4', ext: 'mp4', width: final.width, height: final.height, durationSec: final.durationSec }),
      ctx.saveAsset({ slot: 'thumb_final', kind: 'thumb', body: poster.jpeg, mime: 'image/jpeg', ext: 'jpg', width: poster.width, height: poster.height }),
    ]);
    return { output: { assetId: asset.id } };
  },
});

/** Quick and story: three clips with thumbnails (clip_1..3, thumb_1..3); identity_pack and prompts, then the three clips, side by side. */
export const clipsPipeline: PipelineDef<ClipsInput> = {
  id: 'clips.clips',
  app: 'clips',
  input: ClipsInputSchema,
  steps: [
    identityPack,
    promptsStep,
    ...[1, 2, 3].map((n) => clipStep(n, { slot: `clip_${n}`, thumb: true, size: (ctx) => CLIP[ctx.input.mode === 'quick' ? 'quick' : 'story'] })),
  ],
};

/** Trailer: scene clips assembled with a music bed into one video_final; the scenes and the music run side by side, then assemble. */
export const trailerPipeline: PipelineDef<ClipsInput> = {
  id: 'clips.trailer',
  app: 'clips',
  input: ClipsInputSchema,
  steps: [identityPack, promptsStep, ...sceneSteps, musicBed, assemble],
};
