import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeImage } from '../../testing/fixtures';
import { ImageTooLargeError, applyRule, type AiOperation } from './apply-rule';
import { RuleOperations } from './rule-operations';
import { PRESETS } from './rules-presets';

/** The AI operations as a GPU worker's model would answer: an upscale by its factor, a cut-out with alpha. */
const ai: AiOperation = async (req) => {
  const img = sharp(req.image);
  const { width, height } = await img.metadata();
  if (req.operation === 'upscale') return img.resize(width! * (req.scale ?? 2), height! * (req.scale ?? 2)).png().toBuffer();
  return img.ensureAlpha().png().toBuffer();
};

const rule = (ops: unknown[]) => RuleOperations.parse(ops);
const meanOf = async (body: Buffer) => (await sharp(body).stats()).channels.slice(0, 3).reduce((a, c) => a + c.mean, 0) / 3;

describe('applyRule', () => {
  it('resizes, crops to a ratio and encodes as the output says', async () => {
    const photo = await makeImage('image/jpeg', 3, 900);
    const out = await applyRule(photo, rule([{ op: 'crop_ratio', ratio: '4:3' }, { op: 'resize', width: 400 }, { op: 'output', format: 'webp', quality: 70 }]), ai);
    expect(out).toMatchObject({ mime: 'image/webp', ext: 'webp', width: 400, height: 300 });
    expect(await sharp(out.body).metadata()).toMatchObject({ format: 'webp', width: 400, height: 300 });
  });

  it('leaves a photo smaller than the box as it is, unless the resize says enlarge', async () => {
    const photo = await makeImage('image/jpeg', 4, 300);
    expect(await applyRule(photo, rule([{ op: 'resize', width: 1000 }]), ai)).toMatchObject({ width: 300, height: 300 });
    expect(await applyRule(photo, rule([{ op: 'resize', width: 1000, enlarge: true }]), ai)).toMatchObject({ width: 1000, height: 1000 });
    expect(await applyRule(photo, rule([{ op: 'resize', width: 100 }]), ai)).toMatchObject({ width: 100, height: 100 });
  });

  it('refuses, before decoding, a rule that would make a photo larger than 64 MP at any step', async () => {
    const wide = await sharp({ create: { width: 2000, height: 100, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    // "outside" a 12000 box makes a 20:1 photo 240000 x 12000: refused, no pixels made.
    await expect(applyRule(wide, rule([{ op: 'resize', width: 12000, height: 12000, fit: 'outside', enlarge: true }]), ai)).rejects.toThrow(ImageTooLargeError);
    const photo = await makeImage('image/jpeg', 2, 3000);
    await expect(applyRule(photo, rule([{ op: 'upscale', scale: 4 }]), ai)).rejects.toThrow(/12000x12000 \(144 MP\), over the 64 MP/);
    // Shrunk first, the same upscale is fine.
    expect(await applyRule(photo, rule([{ op: 'resize', width: 1000 }, { op: 'upscale', scale: 4 }]), ai)).toMatchObject({ width: 4000, height: 4000 });
  });

  it('changes the pixels as brightness, contrast, saturation and sharpen say', async () => {
    const photo = await makeImage('image/png', 5, 300);
    const plain = await applyRule(photo, rule([{ op: 'output', format: 'png' }]), ai);
    const brighter = await applyRule(photo, rule([{ op: 'brightness', value: 40 }, { op: 'output', format: 'png' }]), ai);
    expect(await meanOf(brighter.body)).toBeGreaterThan((await meanOf(plain.body)) + 10);
    for (const op of [{ op: 'contrast', value: 30 }, { op: 'saturation', value: -80 }, { op: 'sharpen', sigma: 2 }]) {
      const changed = await applyRule(photo, rule([op, { op: 'output', format: 'png' }]), ai);
      const a = await sharp(plain.body).raw().toBuffer();
      const b = await sharp(changed.body).raw().toBuffer();
      expect(a.equals(b), JSON.stringify(op)).toBe(false);
    }
  });

  it('writes a watermark into its corner only', async () => {
    const photo = await makeImage('image/png', 7, 400);
    const base = await sharp((await applyRule(photo, rule([{ op: 'output', format: 'png' }]), ai)).body).raw().toBuffer({ resolveWithObject: true });
    const marked = await sharp((await applyRule(photo, rule([{ op: 'watermark_text', text: 'SAMPLE <&>', size: 40, opacity: 1 }, { op: 'output', format: 'png' }]), ai)).body).raw().toBuffer();
    const { width, channels } = base.info;
    const differs = (x0: number, y0: number) => {
      for (let y = y0; y < y0 + 100; y++) for (let x = x0; x < x0 + 100; x++) {
        const i = (y * width + x) * channels;
        if (base.data[i] !== marked[i]) return true;
      }
      return false;
    };
    expect(differs(300, 300)).toBe(true);
    expect(differs(0, 0)).toBe(false);
  });

  it('sets a long watermark smaller so that it fits across the photo, Korean as well as Latin', async () => {
    const photo = await makeImage('image/png', 7, 400);
    const base = await sharp((await applyRule(photo, rule([{ op: 'output', format: 'png' }]), ai)).body).raw().toBuffer({ resolveWithObject: true });
    for (const text of ['상품 사진 워터마크가 아주 길게 들어가는 경우입니다', 'A rather long watermark line that would run off a small photo', 'THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG MMMM WWWW', 'W'.repeat(40)]) {
      const marked = await sharp((await applyRule(photo, rule([{ op: 'watermark_text', text, size: 48, opacity: 1 }, { op: 'output', format: 'png' }]), ai)).body).raw().toBuffer();
      const { width, height, channels } = base.info;
      // The columns the watermark's ink reaches: some, and none at the photo's right edge (where a cut-off text ends).
      const inked = new Set<number>();
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
        const i = (y * width + x) * channels;
        if (Math.abs(base.data[i]! - marked[i]!) > 30) inked.add(x);
      }
      expect(inked.size, text).toBeGreaterThan(100);
      expect(Math.max(...inked), text).toBeLessThan(width - 3);
    }
  });

  it('marks a photo only a few pixels tall or wide without failing it', async () => {
    for (const [width, height] of [[10, 10], [4, 4], [300, 6], [5, 100], [1, 1]] as const) {
      const tiny = await sharp({ create: { width, height, channels: 3, background: '#345' } }).png().toBuffer();
      const out = await applyRule(tiny, rule([{ op: 'watermark_text', text: '© mediaforge 2026', size: 32, opacity: 1 }]), ai);
      expect(out, `${width}x${height}`).toMatchObject({ width, height });
    }
  });

  it('sends AI operations to the provider as PNG, and flattens a cut-out onto white for JPEG', async () => {
    const photo = await makeImage('image/jpeg', 2, 200);
    const seen: string[] = [];
    const out = await applyRule(photo, rule([{ op: 'upscale', scale: 2 }, { op: 'remove_background' }]), async (req) => {
      seen.push(`${req.operation}:${(await sharp(req.image).metadata()).format}`);
      return ai(req);
    });
    expect(seen).toEqual(['upscale:png', 'remove_background:png']);
    expect(out).toMatchObject({ mime: 'image/jpeg', width: 400, height: 400 });
    expect((await sharp(out.body).metadata()).channels).toBe(3);
  });

  it('runs the operations in the rule\'s order, whichever of them share one sharp pipeline', async () => {
    const photo = await makeImage('image/png', 6, 500);
    const png = { op: 'output', format: 'png' };
    // One operation at a time through lossless PNG: what the rule means.
    const stepwise = async (ops: unknown[]) => {
      let body = photo;
      for (const op of ops) body = (await applyRule(body, rule([op, png]), ai)).body;
      return sharp(body).raw().toBuffer();
    };
    const rules = [
      [{ op: 'resize', width: 300 }, { op: 'sharpen', sigma: 1.5 }, { op: 'watermark_text', text: 'mf', size: 30, opacity: 1 }, { op: 'contrast', value: 40 }],
      [{ op: 'contrast', value: 40 }, { op: 'brightness', value: 30 }, { op: 'sharpen', sigma: 2 }],
      [{ op: 'brightness', value: 30 }, { op: 'contrast', value: 40 }],
      [{ op: 'sharpen', sigma: 2 }, { op: 'saturation', value: -60 }, { op: 'crop_ratio', ratio: '16:9' }, { op: 'resize', width: 200 }],
    ];
    for (const ops of rules) {
      const fused = await sharp((await applyRule(photo, rule([...ops, png]), ai)).body).raw().toBuffer();
      const apart = await stepwise(ops);
      expect(fused.length, JSON.stringify(ops)).toBe(apart.length);
      let diff = 0;
      for (let i = 0; i < fused.length; i++) diff += Math.abs(fused[i]! - apart[i]!);
      expect(diff / fused.length, JSON.stringify(ops)).toBeLessThan(1.5);
    }
  });

  it('flattens a cut-out onto the background_fill colour, even into a JPEG', async () => {
    const photo = await makeImage('image/jpeg', 3, 200);
    // A cut-out whose left half is transparent.
    const cutOut: AiOperation = async (req) => {
      const { data, info } = await sharp(req.image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width / 2; x++) data[(y * info.width + x) * 4 + 3] = 0;
      return sharp(data, { raw: info }).png().toBuffer();
    };
    for (const ops of [[{ op: 'remove_background' }, { op: 'background_fill', color: '#ff0000' }], [{ op: 'remove_background' }, { op: 'background_fill', color: '#ff0000' }, { op: 'resize', width: 100 }]]) {
      const out = await applyRule(photo, rule(ops), cutOut);
      const { data } = await sharp(out.body).raw().toBuffer({ resolveWithObject: true });
      expect([data[0], data[1], data[2]], JSON.stringify(ops)).toEqual([expect.closeTo(255, -1.5), expect.closeTo(0, -1.5), expect.closeTo(0, -1.5)]);
    }
  });

  it('orients by EXIF and keeps no metadata in the output', async () => {
    // 200x100 pixels whose EXIF says "rotate 90°": upright it is 100x200.
    const sideways = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#888' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const out = await applyRule(sideways, rule([{ op: 'auto_orient' }, { op: 'output', format: 'jpeg' }]), ai);
    expect(out).toMatchObject({ width: 100, height: 200 });
    const meta = await sharp(out.body).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it('runs every preset on a photo', async () => {
    const photo = await makeImage('image/jpeg', 4, 640);
    for (const preset of PRESETS) {
      const out = await applyRule(photo, rule(preset.operations), ai);
      expect(out.body.length, preset.id).toBeGreaterThan(100);
      expect((await sharp(out.body).metadata()).format).toBe(out.ext === 'jpg' ? 'jpeg' : out.ext);
    }
  });
});
