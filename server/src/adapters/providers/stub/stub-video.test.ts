import sharp from 'sharp';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FfmpegRunner, defaultFfmpegPath } from '../../media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../media/media-toolkit';
import { withTempDir } from '../../media/temp-dir';
import { ProviderError } from '../provider-error';
import { StubRuntime } from './stub-runtime';
import { StubVideoProvider } from './stub-video';

let ffmpeg: FfmpegRunner;
let video: StubVideoProvider;
let media: SharpFfmpegToolkit;
beforeAll(async () => {
  ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
  video = new StubVideoProvider(new StubRuntime(0, () => false), ffmpeg);
  media = new SharpFfmpegToolkit({ ffmpeg });
});

const streams = (mp4: Buffer) =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'v.mp4');
    await writeFile(file, mp4);
    return (await ffmpeg.run(['-i', file], { allowFailure: true })).stderr;
  });

describe('StubVideoProvider', () => {
  it('makes an H.264 yuv420p + AAC MP4 of the asked size and duration, moov first', async () => {
    const out = await video.generate({ prompt: 'waves at dusk', durationSec: 1.5, width: 320, height: 180, seed: 1 });
    expect(out).toMatchObject({ width: 320, height: 180 });
    expect(out.durationSec).toBeCloseTo(1.5, 1); // whole frames at 25 fps
    const info = await media.probeVideo(out.mp4);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 180 });
    expect(Math.abs(info.durationSec - 1.5)).toBeLessThan(0.15);
    expect(await streams(out.mp4)).toMatch(/Video: h264[^\n]*yuv420p/);
    expect(out.mp4.indexOf('moov')).toBeLessThan(out.mp4.indexOf('mdat'));
  });

  it('is byte-identical for the same request and seed, different for another seed', async () => {
    const req = { prompt: 'city lights', durationSec: 0.6, width: 160, height: 90, seed: 4 };
    const a = await video.generate(req);
    expect((await video.generate(req)).mp4.equals(a.mp4)).toBe(true);
    expect((await video.generate({ ...req, seed: 5 })).mp4.equals(a.mp4)).toBe(false);
  });

  it('animates the given first frame, evening out odd sizes', async () => {
    const green = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#00c000' } }).png().toBuffer();
    const out = await video.generate({ prompt: 'field', image: green, durationSec: 0.5, width: 161, height: 91, seed: 2 });
    expect(out).toMatchObject({ width: 162, height: 92 });
    const poster = await media.posterFrame(out.mp4, 162);
    const [r, g, b] = await sharp(poster.jpeg).extract({ left: 80, top: 45, width: 1, height: 1 }).raw().toBuffer();
    expect(g).toBeGreaterThan(150);
    expect(r! + b!).toBeLessThan(80);
  });

  it('refuses impossible requests, not retryable', async () => {
    for (const req of [
      { prompt: 'x', durationSec: 0, width: 64, height: 64, seed: 1 },
      { prompt: 'x', durationSec: 1, width: 8000, height: 64, seed: 1 },
      { prompt: 'x', durationSec: 1, width: 64, height: 64, seed: 1, image: Buffer.from('nope') },
    ]) {
      await expect(video.generate(req)).rejects.toMatchObject({ name: 'ProviderError', retryable: false });
    }
  });

  it('reports a broken encoder as a retryable ProviderError', async () => {
    const broken = new StubVideoProvider(new StubRuntime(0, () => false), new FfmpegRunner('/nonexistent/ffmpeg'));
    const err = await broken.generate({ prompt: 'x', durationSec: 0.2, width: 64, height: 64, seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: true, provider: 'stub-video' });
  });
});
