import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { animatedWebpToY4m, isAnimatedWebp } from './animated-webp';

async function animated(colours: string[], delays: number[], size = { width: 6, height: 4 }): Promise<Buffer> {
  const { width, height } = size;
  const frames = await Promise.all(colours.map((background) => sharp({ create: { width, height, channels: 3, background } }).raw().toBuffer()));
  return sharp(Buffer.concat(frames), { raw: { width, height: height * colours.length, channels: 3, pageHeight: height } })
    .webp({ loop: 0, delay: delays, lossless: true })
    .toBuffer();
}

/** Header line and the frames' planes of a Y4M stream. */
function parse(y4m: Buffer, width: number, height: number) {
  const end = y4m.indexOf(0x0a);
  const frameBytes = width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
  const frames: Buffer[] = [];
  for (let at = end + 1; at < y4m.length; at += 6 + frameBytes) {
    expect(y4m.toString('latin1', at, at + 6)).toBe('FRAME\n');
    frames.push(y4m.subarray(at + 6, at + 6 + frameBytes));
  }
  return { header: y4m.toString('latin1', 0, end), frames };
}

describe('animated WebP', () => {
  it('tells an animated WebP from a still one and from other formats', async () => {
    expect(isAnimatedWebp(await animated(['#f00', '#00f'], [100, 100]))).toBe(true);
    expect(isAnimatedWebp(await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).webp().toBuffer())).toBe(false);
    expect(isAnimatedWebp(await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).png().toBuffer())).toBe(false);
  });

  it('writes 4:2:0 BT.601 frames at the frame delay, odd sizes with rounded-up chroma', async () => {
    const { header, frames } = parse(await animatedWebpToY4m(await animated(['#ff0000', '#0000ff'], [62, 62], { width: 5, height: 3 })), 5, 3);
    expect(header).toBe('YUV4MPEG2 W5 H3 F1000:62 Ip A1:1 C420jpeg');
    expect(frames).toHaveLength(2);
    // Red is Y 81, Cb 90, Cr 240; blue Y 41, Cb 240, Cr 110 (ITU-R BT.601, limited range).
    const [red, blue] = frames as [Buffer, Buffer];
    expect([red[0], red[15], red[15 + 6]]).toEqual([81, 90, 240]);
    expect([blue[0], blue[15], blue[15 + 6]]).toEqual([41, 240, 110]);
  });

  it('repeats frames to keep uneven delays at the shortest delay as the frame period', async () => {
    const { header, frames } = parse(await animatedWebpToY4m(await animated(['#f00', '#0f0', '#00f'], [100, 100, 300])), 6, 4);
    expect(header).toContain('F1000:100');
    expect(frames).toHaveLength(5);
    expect(frames[4]!.equals(frames[2]!)).toBe(true);
  });

  it('refuses an animation over the pixel limit before decoding it', async () => {
    await expect(animatedWebpToY4m(await animated(['#f00', '#0f0', '#00f'], [100, 100, 100]), { maxPixels: 50 })).rejects.toThrow(/3 frames of 6x4 is over the 50-pixel limit/);
  });
});
