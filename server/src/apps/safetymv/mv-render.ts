import { z } from 'zod';
import { FatalStepError } from '../../core/jobs/step-errors';
import { webVttOf } from '../../core/media/subtitles';
import { stepsFor, type PipelineDef, type StepDef } from '../../engine/pipeline';
import { MV_APP } from './mv-options';

export const RENDER_PIPELINE = 'safetymv.render';

/**
 * The most clips a render has: 24 scenes (the review's limit) plus the parts of the longer ones
 * over a 90 s video. One step each, side by side; the steps past a render's clips do nothing.
 */
export const MAX_RENDER_CLIPS = 36;
/** The finished video's frame: landscape HD, what the video providers make by default. */
export const RENDER_SIZE = { width: 1280, height: 720 } as const;
const POSTER_WIDTH = 480;
const MAX_CLIP_BYTES = 200 * 1024 * 1024;
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** A render's input: the plan's clips, music and lyrics as they were when it was asked for, and the character to start each clip from. */
export const RenderJobInput = z.object({
  planJobId: z.string(),
  characterKey: z.string(),
  clips: z.array(z.object({ scene_id: z.string(), part: z.number().int(), start: z.number(), end: z.number(), duration_seconds: z.number().positive(), prompt: z.string() }))
    .min(1).max(MAX_RENDER_CLIPS),
  music: z.object({ prompt: z.string(), duration_seconds: z.number().positive() }),
  subtitles: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })),
  language: z.enum(['ko', 'en', 'mixed']),
  seed: z.number().int().nonnegative(),
});
export type RenderJobInput = z.infer<typeof RenderJobInput>;

const ClipOutput = z.union([
  z.object({ status: z.literal('skipped') }),
  z.object({ status: z.literal('done'), assetId: z.string(), key: z.string(), width: z.number().int(), height: z.number().int(), fps: z.number().optional() }),
]);
type ClipOutput = z.infer<typeof ClipOutput>;

const step = stepsFor<RenderJobInput>();

/**
 * Clip `n`: the video provider makes it from the character image (its first frame / reference),
 * asked for whole seconds (what providers take); assembly cuts it to the plan's length.
 */
function clipStep(n: number): StepDef<RenderJobInput, ClipOutput> {
  const idx = n - 1;
  return step({
    name: `clip_${n}`,
    after: [],
    weight: 1,
    output: ClipOutput,
    async run(ctx): Promise<{ output: ClipOutput }> {
      const clip = ctx.input.clips[idx];
      if (!clip) return { output: { status: 'skipped' } };
      const character = await ctx.storage.get(ctx.input.characterKey, MAX_IMAGE_BYTES);
      if (!character) throw new FatalStepError('The character image is no longer stored: plan again', 'CHARACTER_MISSING');
      const video = await ctx.predict(`clip_${n}`, 'video', {
        prompt: clip.prompt, image: character, durationSec: Math.ceil(clip.duration_seconds), ...RENDER_SIZE, seed: (ctx.input.seed + idx) % (2 ** 31 - 1),
      }, { reason: `clip ${n} of ${ctx.input.clips.length}` });
      const saved = await ctx.saveAsset({
        slot: `clip_${n}`, kind: 'video', body: video.mp4, mime: 'video/mp4', ext: 'mp4', width: video.width, height: video.height, durationSec: video.durationSec,
        meta: { scene: clip.scene_id, part: clip.part },
      });
      return { output: { status: 'done', assetId: saved.id, key: saved.storageKey, width: video.width, height: video.height, ...(video.fps ? { fps: video.fps } : {}) } };
    },
  });
}

const CLIP_STEPS = Array.from({ length: MAX_RENDER_CLIPS }, (_, i) => clipStep(i + 1));

/** The music, as long as the video, from the genre, the title and the lyrics. */
const music = step({
  name: 'music',
  after: [],
  weight: 2,
  output: z.object({ assetId: z.string(), key: z.string() }),
  async run(ctx) {
    const track = await ctx.predict('music', 'music', { prompt: ctx.input.music.prompt, durationSec: Math.ceil(ctx.input.music.duration_seconds), seed: ctx.input.seed }, { reason: 'music' });
    const saved = await ctx.saveAsset({ slot: 'music', kind: 'audio', body: track.wav, mime: 'audio/wav', ext: 'wav', durationSec: track.durationSec });
    return { output: { assetId: saved.id, key: saved.storageKey } };
  },
});

/** ISO 639-2 of the subtitles' language, as MP4 tracks name it. */
const TRACK_LANGUAGE = { ko: 'kor', en: 'eng', mixed: 'kor' } as const;

/**
 * The finished music video: the clips in order, each cut to its planned length, the music under
 * them (the clips' own sound dropped), the lyrics as a timed subtitle track (and a WebVTT file
 * beside it), and a poster.
 */
const assemble = step({
  name: 'assemble',
  after: [...CLIP_STEPS.map((s) => s.name), music.name],
  weight: 3,
  output: z.object({ videoId: z.string(), posterId: z.string(), subtitlesId: z.string(), durationSec: z.number() }),
  async run(ctx) {
    const clips = await Promise.all(ctx.input.clips.map(async (clip, i) => {
      const made = ctx.output(CLIP_STEPS[i]!);
      if (made.status !== 'done') throw new FatalStepError(`Clip ${i + 1} was not made`, 'CLIP_MISSING');
      const mp4 = await ctx.storage.get(made.key, MAX_CLIP_BYTES);
      if (!mp4) throw new FatalStepError(`Clip ${i + 1} is no longer stored`, 'CLIP_MISSING');
      return { mp4, facts: { durationSec: clip.duration_seconds, width: made.width, height: made.height, hasAudio: true, ...(made.fps ? { fps: made.fps } : {}) } };
    }));
    const wav = await ctx.storage.get(ctx.output(music).key, MAX_CLIP_BYTES);
    if (!wav) throw new FatalStepError('The music is no longer stored', 'MUSIC_MISSING');
    await ctx.progress(0.1, 'assembling');
    const out = await ctx.media.assemble(clips, wav, {
      posterWidth: POSTER_WIDTH, subtitles: ctx.input.subtitles, subtitleLanguage: TRACK_LANGUAGE[ctx.input.language], clipGain: 0, bedGain: 1,
    });
    const video = await ctx.saveAsset({ slot: 'video', kind: 'video', body: out.mp4, mime: 'video/mp4', ext: 'mp4', width: out.width, height: out.height, durationSec: out.durationSec, meta: { plan: ctx.input.planJobId } });
    const poster = await ctx.saveAsset({ slot: 'poster', kind: 'thumb', body: out.poster!.jpeg, mime: 'image/jpeg', ext: 'jpg', width: out.poster!.width, height: out.poster!.height });
    const vtt = await ctx.saveAsset({ slot: 'subtitles', kind: 'document', body: Buffer.from(webVttOf(ctx.input.subtitles), 'utf8'), mime: 'text/vtt', ext: 'vtt' });
    await ctx.trace(`assembled ${clips.length} clip(s), ${out.durationSec.toFixed(1)} s, ${ctx.input.subtitles.length} subtitle line(s)`);
    return { output: { videoId: video.id, posterId: poster.id, subtitlesId: vtt.id, durationSec: out.durationSec } };
  },
});

/** `POST /mv/jobs/{id}/render`: the plan's clips side by side, the music, then the music video. */
export const renderPipeline: PipelineDef<RenderJobInput> = {
  id: RENDER_PIPELINE,
  app: MV_APP,
  input: RenderJobInput,
  steps: [...CLIP_STEPS, music, assemble],
  result: (ctx) => ctx.output(assemble),
};
