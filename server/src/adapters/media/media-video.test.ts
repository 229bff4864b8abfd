import sharp from 'sharp';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidMediaError } from '../../core/ports/media';
import { FfmpegRunner, defaultFfmpegPath } from './ffmpeg-runner';
import { SharpFfmpegToolkit } from './media-toolkit';
import { srtOf, webVttOf } from '../../core/media/subtitles';
import { withTempDir } from './temp-dir';

let ffmpeg: FfmpegRunner;
let media: SharpFfmpegToolkit;

/** Encodes an ffmpeg lavfi source (test pattern, tone) into an MP4 or WAV, in memory. */
function make(ext: 'mp4' | 'wav', args: string[]): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const out = path.join(dir, `out.${ext}`);
    await ffmpeg.run(['-y', ...args, out]);
    return readFile(out);
  });
}

const clip = (sec: number, size: string, tone: number | null) =>
  make('mp4', [
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25:duration=${sec}`,
    ...(tone ? ['-f', 'lavfi', '-i', `sine=frequency=${tone}:duration=${sec}`, '-c:a', 'aac'] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
  ]);

/** Mean loudness of a file's audio, in dB (-91 is digital silence). */
async function meanVolume(file: Buffer): Promise<number> {
  return withTempDir(async (dir) => {
    const input = path.join(dir, 'in.mp4');
    await import('node:fs/promises').then((fs) => fs.writeFile(input, file));
    const { stderr } = await ffmpeg.run(['-i', input, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-']);
    return Number(stderr.match(/mean_volume: (-?[\d.]+) dB/)?.[1]);
  });
}

let clips: Buffer[];
let bed: Buffer;
beforeAll(async () => {
  ffmpeg = new FfmpegRunner(await defaultFfmpegPath());
  media = new SharpFfmpegToolkit({ ffmpeg });
  clips = await Promise.all([
    clip(1, '320x180', 440),
    clip(1.5, '320x180', null), // no sound: silence takes its place
    clip(1, '240x240', 660), // another size: fitted into the first clip's frame
  ]);
  // A 1.2 s bed, shorter than the 3.5 s of clips: it has to loop.
  bed = await make('wav', ['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=22050:duration=1.2', '-c:a', 'pcm_s16le']);
});

describe('probeVideo', () => {
  it('reads duration, size and codecs of an MP4', async () => {
    const info = await media.probeVideo(clips[0]!);
    expect(info).toMatchObject({ width: 320, height: 180, videoCodec: 'h264', audioCodec: 'aac' });
    expect(info.durationSec).toBeCloseTo(1, 1);
    expect((await media.probeVideo(clips[1]!)).audioCodec).toBeNull();
  });

  it('rejects what is not a video', async () => {
    await expect(media.probeVideo(Buffer.from('not a video at all'))).rejects.toBeInstanceOf(InvalidMediaError);
    await expect(media.probeVideo(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer())).rejects.toBeInstanceOf(InvalidMediaError);
  });
});

describe('posterFrame', () => {
  it('makes a JPEG of the asked width that sharp decodes', async () => {
    const poster = await media.posterFrame(clips[0]!, 160);
    expect(poster).toMatchObject({ width: 160, height: 90 });
    expect(await sharp(poster.jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 90 });
  });

  it('takes the first frame of a video shorter than 0.1 s', async () => {
    const blip = await make('mp4', ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=0.04', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    expect((await media.posterFrame(blip, 80)).height).toBe(60);
  });

  it('rejects what is not a video', async () => {
    await expect(media.posterFrame(Buffer.from('garbage'.repeat(100)), 100)).rejects.toBeInstanceOf(InvalidMediaError);
  });
});

describe('assemble', () => {
  it('joins clips in the first clip frame, lays the looped bed under them, H.264 + AAC, faststart', async () => {
    const out = await media.assemble(clips.map((mp4) => ({ mp4 })), bed);
    const info = await media.probeVideo(out.mp4);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 180 });
    expect(out.durationSec).toBeCloseTo(3.5, 0);
    expect(Math.abs(info.durationSec - 3.5)).toBeLessThan(0.15);
    expect(out.mp4.indexOf('moov')).toBeLessThan(out.mp4.indexOf('mdat'));
  });

  it('cuts a longer bed to the clips, and the bed is heard under silent clips', async () => {
    const longBed = await make('wav', ['-f', 'lavfi', '-i', 'sine=frequency=330:duration=10', '-c:a', 'pcm_s16le']);
    const out = await media.assemble([{ mp4: clips[1]! }], longBed);
    expect(Math.abs(out.durationSec - 1.5)).toBeLessThan(0.15);
    expect(await meanVolume(out.mp4)).toBeGreaterThan(-40);
  });

  it('plays the bed alone when the clips\' own sound is turned off', async () => {
    const musicOnly = new SharpFfmpegToolkit({ ffmpeg, clipGain: 0, bedGain: 1 });
    const out = await musicOnly.assemble([{ mp4: clips[0]! }, { mp4: clips[2]! }], bed);
    expect(await musicOnly.probeVideo(out.mp4)).toMatchObject({ audioCodec: 'aac', width: 320, height: 180 });
    expect(Math.abs(out.durationSec - 2)).toBeLessThan(0.15);
  });

  it('carries timed lyrics as a mov_text subtitle track with their language, Korean text intact', async () => {
    const cues = [{ start: 0, end: 1.2, text: '보호구 쓰고' }, { start: 1.2, end: 2.5, text: 'check the\n\nladder' }, { start: 3, end: 3, text: 'empty cue' }];
    expect(srtOf(cues.slice(0, 2))).toBe('1\n00:00:00,000 --> 00:00:01,200\n보호구 쓰고\n\n2\n00:00:01,200 --> 00:00:02,500\ncheck the\nladder\n');
    expect(webVttOf([{ start: 61.5, end: 3723.25, text: 'a --> b' }])).toBe('WEBVTT\n\n00:01:01.500 --> 01:02:03.250\na -> b\n');
    const out = await media.assemble(clips.map((mp4) => ({ mp4 })), bed, { subtitles: cues, subtitleLanguage: 'kor' });
    expect(await media.probeVideo(out.mp4)).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', subtitleCodec: 'mov_text' });
    // The track's text, read back by ffmpeg as SubRip: the two cues with text, in order.
    const srt = await withTempDir(async (dir) => {
      await writeFile(path.join(dir, 'in.mp4'), out.mp4);
      await ffmpeg.run(['-y', '-i', path.join(dir, 'in.mp4'), '-map', '0:s:0', path.join(dir, 'out.srt')]);
      return readFile(path.join(dir, 'out.srt'), 'utf8');
    });
    expect(srt).toContain('보호구 쓰고');
    expect(srt).toContain('00:00:01,200 --> 00:00:02,500');
    expect(srt).toContain('ladder');
    expect(srt).not.toContain('empty cue');
    expect((await media.probeVideo((await media.assemble([{ mp4: clips[0]! }], bed)).mp4)).subtitleCodec).toBeNull();
  });

  it('rejects no clips and an unreadable bed', async () => {
    await expect(media.assemble([], bed)).rejects.toBeInstanceOf(InvalidMediaError);
    await expect(media.assemble([{ mp4: clips[0]! }], Buffer.from('not audio'))).rejects.toBeInstanceOf(InvalidMediaError);
  });
});

describe('conforming a provider output', () => {
  it('gives a silent MPEG-4 video an AAC track, even dimensions, H.264', async () => {
    const odd = await make('mp4', ['-f', 'lavfi', '-i', 'testsrc=size=161x121:rate=25:duration=1', '-c:v', 'mpeg4']);
    const out = await media.conformVideo(odd);
    expect([out.width, out.height]).toEqual([160, 120]);
    expect(out.durationSec).toBeCloseTo(1, 1);
    const facts = await media.probeVideo(out.mp4);
    expect(facts).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 160, height: 120 });
  });

  it('keeps a video sound track', async () => {
    const loud = await clip(1, '64x64', 440);
    const out = await media.conformVideo(loud);
    expect(await meanVolume(out.mp4)).toBeGreaterThan(-40);
  });

  it('turns an audio file into 44.1 kHz stereo WAV of the same length', async () => {
    const mono = await make('wav', ['-f', 'lavfi', '-i', 'sine=frequency=300:duration=2:sample_rate=22050', '-ac', '1']);
    const out = await media.conformAudio(mono);
    expect(out.wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(out.wav.readUInt16LE(22)).toBe(2);
    expect(out.wav.readUInt32LE(24)).toBe(44100);
    expect(out.durationSec).toBeCloseTo(2, 1);
  });

  it('refuses bytes that are not media', async () => {
    await expect(media.conformVideo(Buffer.from('not a video'))).rejects.toBeInstanceOf(InvalidMediaError);
    await expect(media.conformAudio(Buffer.from('not audio'))).rejects.toBeInstanceOf(InvalidMediaError);
  });

  it('converts a JPEG image to PNG, upright', async () => {
    const jpeg = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#c33' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const out = await media.conformImage(jpeg);
    expect(out.png.subarray(1, 4).toString()).toBe('PNG');
    expect([out.width, out.height]).toEqual([20, 30]);
  });
});

describe('the frame rate of an assembly', () => {
  it('is the first clip\'s (no frames made up), or the default when the first clip\'s is unknown', async () => {
    const slow = await make('mp4', ['-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=15:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    const fpsOf = async (mp4: Buffer) => (await media.probeVideo(mp4)).fps;
    expect(await fpsOf(slow)).toBe(15);
    expect(await fpsOf((await media.assemble([{ mp4: slow }, { mp4: clips[0]! }], bed)).mp4)).toBe(15);
    const told = { durationSec: 1, width: 160, height: 90, hasAudio: false };
    expect(await fpsOf((await media.assemble([{ mp4: slow, facts: told }], bed)).mp4)).toBe(25);
  });
});

describe('assembling with known facts and a poster in the same pass', () => {
  it('takes the caller\'s facts instead of probing, and makes the poster at the asked width', async () => {
    const known = clips.map((mp4, i) => ({ mp4, facts: { durationSec: [1, 1.5, 1][i]!, width: i === 2 ? 240 : 320, height: i === 2 ? 240 : 180, hasAudio: i !== 1 } }));
    const out = await media.assemble(known, bed, { posterWidth: 160 });
    expect(out.poster).toBeDefined();
    expect(out.poster!.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect([out.poster!.width, out.poster!.height]).toEqual([160, 90]);
    expect(await media.probeVideo(out.mp4)).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', width: 320, height: 180 });
  });

  it('refuses a poster width out of range', async () => {
    await expect(media.assemble([{ mp4: clips[0]! }], bed, { posterWidth: 1 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('thumbnails of images', () => {
  it('makes an upright JPEG at the asked width, keeping the aspect ratio', async () => {
    const png = await sharp({ create: { width: 360, height: 640, channels: 3, background: '#3a6' } }).png().toBuffer();
    const out = await media.thumbnail(png, 180);
    expect(out.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect([out.width, out.height]).toEqual([180, 320]);
    await expect(media.thumbnail(Buffer.from('not an image'), 180)).rejects.toBeInstanceOf(InvalidMediaError);
    await expect(media.thumbnail(png, 0)).rejects.toBeInstanceOf(RangeError);
  });
});
