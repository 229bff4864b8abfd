import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { predictionOutput } from '../../../testing/prediction-output';
import { ProviderError } from '../provider-error';
import { MAX_OUTPUT_PIXELS, StubImageOpsProvider } from './stub-image-ops';
import { StubRuntime } from './stub-runtime';

const ops = new StubImageOpsProvider(new StubRuntime(0, () => false));

/** A red disc on a plain light-grey backdrop: the case the border key is made for. */
async function portrait(format: 'png' | 'jpeg' | 'webp' = 'png', size = 64): Promise<Buffer> {
  const r = size / 4;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="#dddddd"/><circle cx="${size / 2}" cy="${size / 2}" r="${r}" fill="#cc2200"/></svg>`;
  return sharp(Buffer.from(svg))[format]().toBuffer();
}

const alphaAt = async (png: Buffer, x: number, y: number) => (await sharp(png).extract({ left: x, top: y, width: 1, height: 1 }).raw().toBuffer())[3];

describe('StubImageOpsProvider', () => {
  it('upscales by 2 (default) and 4 with Lanczos: a PNG of the right size, deterministic', async () => {
    const src = await portrait('jpeg', 40);
    const two = await predictionOutput(ops, { operation: 'upscale', image: src });
    expect(two).toMatchObject({ width: 80, height: 80 });
    expect(await sharp(two.png).metadata()).toMatchObject({ format: 'png', width: 80, height: 80 });
    const four = await predictionOutput(ops, { operation: 'upscale', image: src, scale: 4, seed: 1 });
    expect(await sharp(four.png).metadata()).toMatchObject({ format: 'png', width: 160, height: 160 });
    expect((await predictionOutput(ops, { operation: 'upscale', image: src })).png.equals(two.png)).toBe(true);
  });

  it('removes a plain background: a PNG with an alpha channel, transparent at the border, opaque on the subject', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const out = await predictionOutput(ops, { operation: 'remove_background', image: await portrait(format) });
      expect(out).toMatchObject({ width: 64, height: 64 });
      expect(await sharp(out.png).metadata()).toMatchObject({ format: 'png', channels: 4, hasAlpha: true });
      expect(await alphaAt(out.png, 0, 0)).toBe(0);
      expect(await alphaAt(out.png, 5, 60)).toBe(0);
      expect(await alphaAt(out.png, 32, 32)).toBe(255);
    }
  });

  it('refuses at submit, not retryable: an upscale over the pixel limit, a non-image, a bad scale or operation', async () => {
    const side = Math.sqrt(MAX_OUTPUT_PIXELS) / 2 + 1; // 2049: doubled, just over 4096 x 4096
    const big = await sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } }).png().toBuffer();
    const refusals = [
      { operation: 'upscale', image: big, scale: 2 },
      { operation: 'upscale', image: await portrait('png', 1100), scale: 4 },
      { operation: 'remove_background', image: Buffer.from('not an image at all') },
      { operation: 'upscale', image: await portrait(), scale: 3 },
      { operation: 'sharpen', image: await portrait() },
    ] as const;
    for (const req of refusals) {
      const err = await ops.submit(req as never).catch((e: unknown) => e);
      expect(err, JSON.stringify({ ...req, image: undefined })).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ retryable: false, provider: 'stub-imageOps' });
    }
    expect(String(await ops.submit(refusals[0]).catch((e: unknown) => e))).toMatch(/4098x4098, over the 16777216-pixel limit/);
    // The same image upscaled within the limit is served.
    expect(await predictionOutput(ops, { operation: 'upscale', image: await portrait('png', 1024), scale: 4 })).toMatchObject({ width: 4096, height: 4096 });
  });
});
