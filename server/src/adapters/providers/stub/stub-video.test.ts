import sharp from 'sharp';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FfmpegRunner, defaultFfmpegPath } from '../../media/ffmpeg-runner';
import { SharpFfmpegToolkit } from '../../media/media-toolkit';
import { withTempDir } from '../../media/temp-dir';
import type { VideoRequest } from '../../../core/ports/providers';
import { StubRuntime } from './stub-runtime';
import { StubVideoProvider } from './stub-video';
import { predictionOutput } from '../../../testing/prediction-output';

let ffmpeg: FfmpegRunner;
let video: StubVideoProvider;
let media: SharpFfmpegToolkit;
beforeAll(async () => {
  ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
  video = new StubVideoProvider(new StubRuntime(0, () => false), ffmpeg);
  media = new SharpFfmpegToolkit({ ffmpeg });
});

/** Without a latency a prediction has settled when submit returns: its output, or its failure thrown. */
const generate = (provider: StubVideoProvider, req: VideoRequest) => predictionOutput(provider, req);

const streams = (mp4: Buffer) =>
  withTempDir(async (dir) => {
    const file = path.join(dir, 'v.mp4');
    await writeFile(file, mp4);
    return (await ffmpeg.run(['-i', file], { allowFailure: true })).stderr;
  });

describe('StubVideoProvider', () => {
  it('makes an H.264 yuv420p + AAC MP4 of the asked size and duration, moov first', async () => {
    const out = await generate(video, { prompt: 'waves at dusk', durationSec: 1.5, width: 320, height: 180, seed: 1 });
    expect(out).toMatchObject({ width: 320, height: 180 });
    expect(out.durationSec).toBeCloseTo(1.5, 1); // whole frames at 15 fps
    const info = await media.probeVideo(out.mp4);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 180 });
    expect(Math.abs(info.durationSec - 1.5)).toBeLessThan(0.15);
    expect(await streams(out.mp4)).toMatch(/Video: h264[^\n]*yuv420p/);
    expect(out.mp4.indexOf('moov')).toBeLessThan(out.mp4.indexOf('mdat'));
  });

  it('is byte-identical for the same request and seed, different for another seed', async () => {
    const req = { prompt: 'city lights', durationSec: 0.6, width: 160, height: 90, seed: 4 };
    const a = await generate(video, req);
    expect((await generate(video, req)).mp4.equals(a.mp4)).toBe(true);
    expect((await generate(video, { ...req, seed: 5 })).mp4.equals(a.mp4)).toBe(false);
  });

  it('animates the given first frame, evening out odd sizes', async () => {
    const green = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#00c000' } }).png().toBuffer();
    const out = await generate(video, { prompt: 'field', image: green, durationSec: 0.5, width: 161, height: 91, seed: 2 });
    expect(out).toMatchObject({ width: 162, height: 92 });
    const poster = await media.posterFrame(out.mp4, 162);
    const [r, g, b] = await sharp(poster.jpeg).extract({ left: 80, top: 45, width: 1, height: 1 }).raw().toBuffer();
    expect(g).toBeGreaterThan(150);
    expect(r! + b!).toBeLessThan(80);
  });

  it('refuses requests out of bounds at submit, not retryable', async () => {
    for (const req of [
      { prompt: 'x', durationSec: 0, width: 64, height: 64, seed: 1 },
      { prompt: 'x', durationSec: 1, width: 8000, height: 64, seed: 1 },
    ]) {
      await expect(video.submit(req)).rejects.toMatchObject({ name: 'ProviderError', retryable: false });
    }
  });

  it('fails the prediction of an unreadable first frame, not retryable', async () => {
    const { id } = await video.submit({ prompt: 'x', durationSec: 1, width: 64, height: 64, seed: 1, image: Buffer.from('nope') });
    expect(await video.get(id)).toMatchObject({ id, status: 'failed', error: { retryable: false } });
  });

  it('reports a broken encoder as a retryable failure', async () => {
    const broken = new StubVideoProvider(new StubRuntime(0, () => false), new FfmpegRunner('/nonexistent/ffmpeg'));
    const { id } = await broken.submit({ prompt: 'x', durationSec: 0.2, width: 64, height: 64, seed: 1 });
    const p = await broken.get(id);
    expect(p).toMatchObject({ status: 'failed', error: { retryable: true } });
    expect(p!.error!.message).toContain('stub-video');
  });

  it('with a latency: submit returns at once, the prediction settles later and calls its webhook once', async () => {
    const slow = new StubVideoProvider(new StubRuntime(150, () => false), ffmpeg);
    const req = { prompt: 'slow tide', durationSec: 0.4, width: 96, height: 64, seed: 3 };
    const hooks: { id: string; status: string }[] = [];
    let ready!: () => void;
    const hooked = new Promise<void>((r) => (ready = r));
    const { id } = await slow.submit(req, { webhook: (p) => (hooks.push(p), ready()) });
    expect((await slow.get(id))?.status).toBe('processing');
    await hooked;
    expect(hooks).toEqual([{ id, status: 'succeeded' }]);
    const done = await slow.get(id);
    expect(done?.status).toBe('succeeded');
    // The same bytes as without a latency: deterministic by request.
    expect(done!.output!.mp4.equals((await generate(video, req)).mp4)).toBe(true);
  });

  it('forgets a settled prediction after its retention: get gives null, and the caller submits again', async () => {
    const brief = new StubVideoProvider(new StubRuntime(0, () => false), ffmpeg, { retentionMs: 20 });
    const { id } = await brief.submit({ prompt: 'x', durationSec: 0.2, width: 64, height: 64, seed: 1 });
    expect((await brief.get(id))?.status).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 60));
    expect(await brief.get(id)).toBeNull();
    expect(await brief.get('stubvid_unknown')).toBeNull();
  });

  it("reports another process's prediction as processing until a grace past its ready time, then as lost", async () => {
    const rt = new StubRuntime(100, () => false);
    const mine = new StubVideoProvider(rt, ffmpeg);
    const other = new StubVideoProvider(rt, ffmpeg, { foreignGraceMs: 100 });
    const { id } = await mine.submit({ prompt: 'x', durationSec: 0.2, width: 64, height: 64, seed: 1 });
    expect(await other.get(id)).toEqual({ id, status: 'processing' });
    // Settled in its own process (at least the latency after submit; its encoding may take longer), then past the grace.
    while ((await mine.get(id))?.status !== 'succeeded') await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 150));
    expect(await other.get(id)).toBeNull();
  });

  it('fails the prediction, not the submit, when STUB_FAIL asks', async () => {
    const failing = new StubVideoProvider(new StubRuntime(0, (c, prompt) => c === 'video' && prompt.includes('boom')), ffmpeg);
    const { id } = await failing.submit({ prompt: 'big boom', durationSec: 0.2, width: 64, height: 64, seed: 1 });
    expect(await failing.get(id)).toMatchObject({ status: 'failed', error: { message: 'stub video provider failed (injected by STUB_FAIL)', retryable: false } });
  });
});
