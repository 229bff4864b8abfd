import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_LIMITS } from '../../core/media/image-limits';
import { ImageOverLimitError, InvalidMediaError } from '../../core/ports/media';
import { hammingDistance } from '../../core/media/phash';
import { FfmpegRunner, defaultFfmpegPath } from './ffmpeg-runner';
import { SharpFfmpegToolkit } from './media-toolkit';
import { pngBomb } from './png-bomb';

let media: SharpFfmpegToolkit;
beforeAll(async () => {
  media = new SharpFfmpegToolkit({ ffmpeg: new FfmpegRunner(await defaultFfmpegPath()) });
});

/** A small picture (a face-like circle on a coloured ground) in the asked format. */
function picture(format: 'jpeg' | 'png' | 'webp', opts: { hue?: number; width?: number; height?: number } = {}): Promise<Buffer> {
  const { hue = 200, width = 300, height = 200 } = opts;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="hsl(${hue},60%,55%)"/>
    <circle cx="${width / 3}" cy="${height / 2}" r="${height / 4}" fill="#f2d0b5"/>
    <rect x="${width * 0.6}" y="${height * 0.1}" width="${width / 5}" height="${height * 0.8}" fill="#223"/></svg>`;
  return sharp(Buffer.from(svg))[format]().toBuffer();
}

describe('inspectImage', () => {
  it('accepts real jpeg, png and webp and reports their size', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      expect(await media.inspectImage(await picture(format))).toEqual({ mime: `image/${format}`, width: 300, height: 200 });
    }
  });

  it('reports the displayed size of an EXIF-rotated photo', async () => {
    const rotated = await sharp(await picture('jpeg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await media.inspectImage(rotated)).toEqual({ mime: 'image/jpeg', width: 200, height: 300 });
  });

  it('rejects a renamed non-image, SVG and GIF', async () => {
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).gif().toBuffer();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    for (const [name, buf] of Object.entries({ text: Buffer.from('just some text, named photo.jpg'), elf, svg, gif, empty: Buffer.alloc(0) })) {
      await expect(media.inspectImage(buf), name).rejects.toBeInstanceOf(InvalidMediaError);
    }
  });

  it('rejects truncated images whose headers are intact', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const whole = await picture(format);
      await expect(media.inspectImage(whole.subarray(0, Math.floor(whole.length * 0.8))), format).rejects.toBeInstanceOf(InvalidMediaError);
    }
  });

  it('rejects a PNG whose header declares 20000x20000 (400 MP) before decoding it', async () => {
    const bomb = await pngBomb(20_000);
    expect(bomb.length).toBeLessThan(100_000);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ format: 'png', width: 20_000, height: 20_000 });
    const started = Date.now();
    await expect(media.inspectImage(bomb)).rejects.toThrow('20000x20000 is larger than 40 megapixels (the PNG limit)');
    await expect(media.normalizeImage(bomb, 64)).rejects.toBeInstanceOf(InvalidMediaError);
    await expect(media.perceptualHash(bomb)).rejects.toBeInstanceOf(InvalidMediaError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('honours a configured pixel limit', async () => {
    const strict = new SharpFfmpegToolkit({
      ffmpeg: new FfmpegRunner(await defaultFfmpegPath()),
      limits: { ...IMAGE_LIMITS, maxMegapixels: { 'image/jpeg': 0.05, 'image/png': 0.05, 'image/webp': 0.05 } },
    });
    await expect(strict.inspectImage(await picture('png'))).rejects.toBeInstanceOf(InvalidMediaError);
    expect(await strict.inspectImage(await picture('png', { width: 200, height: 100 }))).toMatchObject({ width: 200 });
  });
});

describe('normalizeImage', () => {
  it('makes a square PNG of the asked size from any accepted format', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const norm = await media.normalizeImage(await picture(format), 128);
      expect(norm).toMatchObject({ width: 128, height: 128 });
      expect(await sharp(norm.png).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });
    }
  });

  it('rejects what is not a readable image', async () => {
    await expect(media.normalizeImage(Buffer.from('nope'), 64)).rejects.toBeInstanceOf(InvalidMediaError);
  });

  it('refuses strips past 20:1 from the header in every image operation, before any pixel work', async () => {
    for (const [w, h] of [[2000, 1], [4000, 1], [1, 3000], [10000, 10], [21, 1]] as [number, number][]) {
      const strip = await sharp({ create: { width: w, height: h, channels: 3, background: '#345' } }).png().toBuffer();
      const why = `${w}x${h} is too narrow: the longer side may be at most 20 times the shorter`;
      await expect(media.inspectImage(strip)).rejects.toEqual(new ImageOverLimitError(why));
      await expect(media.normalizeImage(strip, 512)).rejects.toEqual(new ImageOverLimitError(why));
      await expect(media.perceptualHash(strip)).rejects.toEqual(new ImageOverLimitError(why));
    }
  });

  it('crops the widest allowed strips, enlarged or shrunk, to the square', async () => {
    for (const [w, h] of [[20, 1], [1, 20], [1000, 50], [8000, 400]] as [number, number][]) {
      const strip = await sharp({ create: { width: w, height: h, channels: 3, background: '#345' } }).png().toBuffer();
      expect(await media.normalizeImage(strip, 512), `${w}x${h}`).toMatchObject({ width: 512, height: 512 });
    }
  });
});

describe('perceptualHash', () => {
  it('is 16 hex characters, stable, near for a re-encode and far for another picture', async () => {
    const png = await picture('png');
    const a = await media.perceptualHash(png);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(await media.perceptualHash(png)).toBe(a);
    const reencoded = await sharp(png).resize(150, 100).jpeg({ quality: 70 }).toBuffer();
    expect(hammingDistance(a, await media.perceptualHash(reencoded))).toBeLessThanOrEqual(6);
    const other = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="150" height="200" fill="#fff"/><rect x="150" width="150" height="200" fill="#000"/><circle cx="220" cy="60" r="40" fill="#888"/></svg>')).png().toBuffer();
    const b = await media.perceptualHash(other);
    expect(b).not.toBe(a);
    expect(hammingDistance(a, b)).toBeGreaterThan(10);
  });
});
