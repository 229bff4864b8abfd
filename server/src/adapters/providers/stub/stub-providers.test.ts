import { beforeAll, describe, expect, it } from 'vitest';
import { predictionOutput } from '../../../testing/prediction-output';
import { FfmpegRunner, defaultFfmpegPath } from '../../media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../media/media-toolkit';
import type { PredictionProvider, Providers, VideoRequest } from '../../../core/ports/providers';
import { ProviderError } from '../provider-error';
import { parseStubFail } from './failure-injection';
import { createStubProviders } from './stub-providers';

let ffmpeg: FfmpegRunner;
beforeAll(async () => {
  ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
});

const video = (p: Providers, req: VideoRequest) => predictionOutput(p.video, req);

describe('createStubProviders', () => {
  it('gives one named provider a capability', () => {
    const p = createStubProviders({ ffmpeg });
    expect([p.text.name, p.image.name, p.video.name, p.music.name, p.moderation.name, p.imageOps.name]).toEqual(['stub-text', 'stub-image', 'stub-video', 'stub-music', 'stub-moderation', 'stub-imageOps']);
  });

  it('fails injected calls with a non-retryable ProviderError, and only those', async () => {
    const p = createStubProviders({ ffmpeg, failWhen: parseStubFail('video:boom,text,image,music,moderation') });
    const calls = {
      text: predictionOutput(p.text, { prompt: 'x', seed: 1 }),
      image: predictionOutput(p.image, { prompt: 'x', width: 8, height: 8, seed: 1 }),
      video: video(p, { prompt: 'big boom', durationSec: 0.2, width: 64, height: 64, seed: 1 }),
      music: predictionOutput(p.music, { prompt: 'x', durationSec: 0.2, seed: 1 }),
      moderation: p.moderation.checkText('x'),
    };
    for (const [capability, call] of Object.entries(calls)) {
      const err = await call.catch((e: unknown) => e);
      expect(err, capability).toBeInstanceOf(ProviderError);
      expect(err, capability).toMatchObject({ retryable: false, provider: `stub-${capability}` });
    }
    const quiet = await video(p, { prompt: 'quiet', durationSec: 0.2, width: 64, height: 64, seed: 1 });
    expect(quiet.mp4.length).toBeGreaterThan(0);
  });

  it('waits latencyMs on a moderation call; every generation submit returns at once, its prediction processing', async () => {
    const p = createStubProviders({ ffmpeg, latencyMs: 80 });
    const started = Date.now();
    await p.moderation.checkText('x');
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    const submits = [
      [p.text, await p.text.submit({ prompt: 'x', seed: 1 })],
      [p.image, await p.image.submit({ prompt: 'x', width: 8, height: 8, seed: 1 })],
      [p.video, await p.video.submit({ prompt: 'x', durationSec: 0.2, width: 64, height: 64, seed: 1 })],
      [p.music, await p.music.submit({ prompt: 'x', durationSec: 0.2, seed: 1 })],
    ] as const;
    for (const [provider, { id }] of submits) expect((await provider.get(id))?.status, provider.name).toBe('processing');
  });

  it('with a latency, every generation prediction settles later, calls its webhook once, and gives what it gives without', async () => {
    const slow = createStubProviders({ ffmpeg, latencyMs: 60 });
    const now = createStubProviders({ ffmpeg });
    const reqs = {
      text: { prompt: 'a quiet harbour', seed: 2 },
      image: { prompt: 'a quiet harbour', width: 16, height: 16, seed: 2 },
      video: { prompt: 'a quiet harbour', durationSec: 0.2, width: 64, height: 64, seed: 2 },
      music: { prompt: 'a quiet harbour', durationSec: 0.2, seed: 2 },
    } as const;
    for (const capability of ['text', 'image', 'video', 'music'] as const) {
      const provider = slow[capability] as PredictionProvider<unknown, unknown>;
      const hooks: string[] = [];
      let hooked!: () => void;
      const settled = new Promise<void>((r) => (hooked = r));
      const { id } = await provider.submit(reqs[capability], { webhook: (p) => (hooks.push(`${p.id} ${p.status}`), hooked()) });
      expect((await provider.get(id))?.status, capability).toBe('processing');
      await settled;
      await new Promise((r) => setTimeout(r, 30));
      expect(hooks, capability).toEqual([`${id} succeeded`]);
      const output = (await provider.get(id))!.output;
      expect(output, capability).toEqual(await predictionOutput(now[capability] as PredictionProvider<unknown, unknown>, reqs[capability]));
      expect(await provider.get(`${id.split('_')[0]}_unknown`), capability).toBeNull();
    }
  });

  it('make scene clips and a bed that the media toolkit assembles into one trailer', async () => {
    const p = createStubProviders({ ffmpeg });
    const media = new SharpFfmpegToolkit({ ffmpeg });
    const scenes = await Promise.all([1, 2, 3].map((seed) => video(p, { prompt: `scene ${seed}`, durationSec: 0.6, width: 160, height: 90, seed })));
    const bed = await predictionOutput(p.music, { prompt: 'calm', durationSec: 1, seed: 1 });
    const trailer = await media.assemble(scenes.map((s) => ({ mp4: s.mp4 })), bed.wav);
    expect(await media.probeVideo(trailer.mp4)).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 160, height: 90 });
    expect(Math.abs(trailer.durationSec - 1.8)).toBeLessThan(0.15);
  });
});
