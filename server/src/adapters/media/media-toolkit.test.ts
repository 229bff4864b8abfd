import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidMediaError } from '../../core/ports/media';
import { makeImage } from '../../testing/fixtures';
import { createStubProviders } from '../providers/stub/stub-providers';
import { FfmpegRunner, defaultFfmpegPath } from './ffmpeg-runner';
import { SharpFfmpegToolkit } from './media-toolkit';

let media: SharpFfmpegToolkit;
let ffmpeg: FfmpegRunner;
beforeAll(async () => {
  ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
  media = new SharpFfmpegToolkit({ ffmpeg, maxInputPixels: 4_000_000 });
});

describe('images', () => {
  it('accepts real jpeg, png and webp', async () => {
    for (const mime of ['image/jpeg', 'image/png', 'image/webp'] as const) {
      expect(await media.inspectImage(await makeImage(mime, 2, 300))).toEqual({ mime, width: 300, height: 300 });
    }
  });

  it('rejects a renamed executable, a truncated image, a GIF and a pixel bomb', async () => {
    const png = await makeImage('image/png');
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).gif().toBuffer();
    // A tiny file whose header declares 5000x5000: decoding it would allocate 25 MP.
    const bomb = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#000' } }).greyscale().png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(100_000);
    for (const [name, buf] of [['exe', Buffer.from('MZ\x90\x00\x03 not an image')], ['truncated', png.subarray(0, png.length / 2)], ['gif', gif], ['bomb', bomb]] as const) {
      await expect(media.inspectImage(buf), name).rejects.toBeInstanceOf(InvalidMediaError);
    }
  });

  it('normalises to a square PNG and hashes perceptually', async () => {
    const photo = await sharp(await makeImage('image/jpeg', 3, 400)).resize(400, 300, { fit: 'fill' }).jpeg().toBuffer();
    const norm = await media.normalizeImage(photo, 128);
    expect(norm).toMatchObject({ width: 128, height: 128 });
    expect((await sharp(norm.png).metadata()).format).toBe('png');
    const a = await media.perceptualHash(norm.png);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(await media.perceptualHash(norm.png)).toBe(a);
    expect(await media.perceptualHash(await makeImage('image/png', 9))).not.toBe(a);
  });
});

describe('stub providers and video operations', () => {
  it('make deterministic text and PNGs by seed', async () => {
    const p = createStubProviders({ ffmpeg });
    const t1 = await p.text.complete({ prompt: '해변의 성장 이야기', seed: 7, system: 'Return exactly 3 lines' });
    expect(t1.split('\n')).toHaveLength(3);
    expect(await p.text.complete({ prompt: '해변의 성장 이야기', seed: 7, system: 'Return exactly 3 lines' })).toBe(t1);
    expect(await p.text.complete({ prompt: '해변의 성장 이야기', seed: 8, system: 'Return exactly 3 lines' })).not.toBe(t1);
    const i1 = await p.image.generate({ prompt: 'x', width: 64, height: 96, seed: 1 });
    expect(i1).toMatchObject({ width: 64, height: 96 });
    expect((await sharp(i1.png).metadata()).format).toBe('png');
    expect((await p.image.generate({ prompt: 'x', width: 64, height: 96, seed: 1 })).png.equals(i1.png)).toBe(true);
    expect((await p.image.generate({ prompt: 'x', width: 64, height: 96, seed: 2 })).png.equals(i1.png)).toBe(false);
  });

  it('make an H.264 + AAC MP4, a poster frame, a WAV, and assemble them', async () => {
    const p = createStubProviders({ ffmpeg });
    const clip = await p.video.generate({ prompt: 'a', durationSec: 1, width: 160, height: 90, seed: 1 });
    const info = await media.probeVideo(clip.mp4);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 160, height: 90 });
    expect(info.durationSec).toBeGreaterThan(0.8);
    expect(info.durationSec).toBeLessThan(1.3);
    const poster = await media.posterFrame(clip.mp4, 80);
    expect((await sharp(poster.jpeg).metadata()).format).toBe('jpeg');
    expect(poster.width).toBe(80);

    const music = await p.music.generate({ prompt: 'calm', durationSec: 3, seed: 4 });
    expect(music.wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(music.wav.subarray(8, 12).toString()).toBe('WAVE');
    expect(music.durationSec).toBeCloseTo(3, 1);

    const second = await p.video.generate({ prompt: 'b', durationSec: 1, width: 160, height: 90, seed: 2 });
    const final = await media.assemble([clip.mp4, second.mp4], music.wav);
    const finalInfo = await media.probeVideo(final.mp4);
    expect(finalInfo).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac' });
    expect(finalInfo.durationSec).toBeGreaterThan(1.8);
    expect(finalInfo.durationSec).toBeLessThan(2.5);
  });

  it('fail on demand (STUB_FAIL) with a non-retryable provider error, and moderate text', async () => {
    const { parseStubFail } = await import('../providers/stub/failure-injection');
    const p = createStubProviders({ ffmpeg, failWhen: parseStubFail('video:boom, music') });
    await expect(p.video.generate({ prompt: 'big boom', durationSec: 1, width: 64, height: 64, seed: 1 })).rejects.toMatchObject({ name: 'ProviderError', retryable: false });
    await expect(p.music.generate({ prompt: 'any', durationSec: 1, seed: 1 })).rejects.toMatchObject({ name: 'ProviderError' });
    expect((await p.video.generate({ prompt: 'quiet', durationSec: 0.2, width: 64, height: 64, seed: 1 })).mp4.length).toBeGreaterThan(0);
    expect(await p.moderation.checkText('a walk on the beach')).toEqual({ flagged: false, categories: [] });
    expect((await p.moderation.checkText('explicit gore scene')).flagged).toBe(true);
  });

  it('bounds ffmpeg in time', async () => {
    const slow = new FfmpegRunner(await defaultFfmpegPath(), 50);
    await expect(slow.run(['-f', 'lavfi', '-i', 'testsrc=duration=60', '-f', 'null', '-'])).rejects.toThrow(/killed/);
  });
});
