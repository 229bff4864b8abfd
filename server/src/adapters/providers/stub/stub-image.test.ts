import sharp from 'sharp';
import { predictionOutput } from '../../../testing/prediction-output';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../provider-error';
import { StubImageProvider } from './stub-image';
import { StubRuntime } from './stub-runtime';

const image = new StubImageProvider(new StubRuntime(0, () => false));

describe('StubImageProvider', () => {
  it('makes a PNG of the asked size, byte-identical for the same request and seed', async () => {
    const req = { prompt: 'a fox in snow', width: 96, height: 64, seed: 1 };
    const a = await predictionOutput(image, req);
    expect(a).toMatchObject({ width: 96, height: 64 });
    expect(await sharp(a.png).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 });
    expect((await predictionOutput(image, req)).png.equals(a.png)).toBe(true);
    expect((await predictionOutput(image, { ...req, seed: 2 })).png.equals(a.png)).toBe(false);
    expect((await predictionOutput(image, { ...req, prompt: 'a fox in rain' })).png.equals(a.png)).toBe(false);
  });

  it('sets the reference image into the picture', async () => {
    const red = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const blue = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#0000ff' } }).png().toBuffer();
    const req = { prompt: 'portrait', width: 100, height: 100, seed: 3 };
    const centre = async (png: Buffer) => [...(await sharp(png).extract({ left: 50, top: 50, width: 1, height: 1 }).removeAlpha().raw().toBuffer())];
    const withRed = await predictionOutput(image, { ...req, references: [red] });
    const withBlue = await predictionOutput(image, { ...req, references: [blue] });
    expect(await centre(withRed.png)).toEqual([255, 0, 0]);
    expect(await centre(withBlue.png)).toEqual([0, 0, 255]);
    expect((await predictionOutput(image, { ...req, references: [red] })).png.equals(withRed.png)).toBe(true);
  });

  it('refuses impossible sizes and unreadable references, not retryable', async () => {
    for (const req of [
      { prompt: 'x', width: 0, height: 10, seed: 1 },
      { prompt: 'x', width: 10, height: 99_999, seed: 1 },
      { prompt: 'x', width: 10.5, height: 10, seed: 1 },
      { prompt: 'x', width: 10, height: 10, seed: 1, references: [Buffer.from('not a png')] },
    ]) {
      const err = await predictionOutput(image, req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ retryable: false, provider: 'stub-image' });
    }
  });
});
