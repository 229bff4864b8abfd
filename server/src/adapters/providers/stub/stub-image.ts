import sharp from 'sharp';
import type { GeneratedImage, ImageProvider, ImageRequest } from '../../../core/ports/providers';
import { hashString, seededRandom } from './seeded-random';
import type { StubRuntime } from './stub-runtime';

/** A PNG drawn from the seed (gradient and shapes), with the first reference image set into it. */
export class StubImageProvider implements ImageProvider {
  readonly name = 'stub-image';
  constructor(private readonly rt: StubRuntime) {}

  async generate(req: ImageRequest): Promise<GeneratedImage> {
    await this.rt.enter('image', req.prompt);
    const { width: w, height: h } = req;
    const rand = seededRandom(hashString(req.prompt, req.seed));
    const hue = Math.floor(rand() * 360);
    const shapes = Array.from({ length: 7 }, () => {
      const x = Math.floor(rand() * w);
      const y = Math.floor(rand() * h);
      const r = Math.floor((0.05 + rand() * 0.2) * Math.min(w, h));
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${(hue + Math.floor(rand() * 120)) % 360},70%,60%)" fill-opacity="0.55"/>`;
    }).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="hsl(${hue},55%,25%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},65%,55%)"/>
      </linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
    let img = sharp(Buffer.from(svg));
    const ref = req.references?.[0];
    if (ref) {
      // The identity reference sits in the frame, so the output visibly depends on the user's photo.
      const side = Math.floor(Math.min(w, h) * 0.6);
      const face = await sharp(ref, { limitInputPixels: 40_000_000 }).resize(side, side, { fit: 'cover' }).png().toBuffer();
      img = sharp(await img.png().toBuffer()).composite([{ input: face, left: Math.floor((w - side) / 2), top: Math.floor((h - side) / 2) }]);
    }
    const png = await img.png({ compressionLevel: 6 }).toBuffer();
    return { png, width: w, height: h };
  }
}
