import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { nsfwVerdict } from '../../core/media/nsfw-policy';
import { NSFW_INPUT_SIZE, NsfwClassifier } from './nsfw-classifier';

const rgbOf = async (png: Buffer) => sharp(png).removeAlpha().resize(NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, { fit: 'fill' }).raw().toBuffer();

describe('the offline NSFW classifier (nsfwjs MobileNetV2 on the tfjs wasm backend)', () => {
  it('loads from inside the npm packages and scores the five classes, summing to 1', async () => {
    const classifier = new NsfwClassifier();
    const landscape = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 70, g: 130, b: 180 } } })
      .composite([{ input: Buffer.from('<svg width="640" height="480"><rect y="300" width="640" height="180" fill="#3a7d44"/><circle cx="500" cy="90" r="50" fill="#ffd34d"/></svg>') }])
      .png().toBuffer();
    const scores = await classifier.scores(await rgbOf(landscape));
    expect(Object.keys(scores).sort()).toEqual(['drawing', 'hentai', 'neutral', 'porn', 'sexy']);
    expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(nsfwVerdict(scores)).toBeNull();
  });

  it('refuses input of another size than the model takes', async () => {
    await expect(new NsfwClassifier().scores(new Uint8Array(10))).rejects.toThrow(RangeError);
  });
});

describe('nsfwVerdict', () => {
  const base = { drawing: 0, hentai: 0, neutral: 1, porn: 0, sexy: 0 };
  it('blocks on the mass of the explicit classes, not on the top class alone', () => {
    expect(nsfwVerdict({ ...base, neutral: 0.4, porn: 0.35, hentai: 0.25 })).toMatch(/^explicit content/);
    expect(nsfwVerdict({ ...base, neutral: 0.15, porn: 0.3, sexy: 0.55 })).toMatch(/^sexual content/);
    // Grey noise scores porn about 0.27 as its top class: not a verdict.
    expect(nsfwVerdict({ drawing: 0.2, hentai: 0.1, neutral: 0.25, porn: 0.27, sexy: 0.18 })).toBeNull();
  });
});
