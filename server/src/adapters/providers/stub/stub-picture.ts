import sharp from 'sharp';
import { hashString, seededRandom } from './seeded-random';

export interface PictureSpec {
  prompt: string;
  width: number;
  height: number;
  seed: number;
  references?: Buffer[];
}

export class UnreadableReferenceError extends Error {
  override readonly name = 'UnreadableReferenceError';
}

// References come from the project's own uploads, but are still decoded with a pixel cap.
const MAX_REFERENCE_PIXELS = 40_000_000;

/**
 * A PNG drawn from prompt and seed: a two-colour gradient and translucent shapes, with the first
 * reference image set in the middle so the output visibly depends on it. Same spec, same bytes.
 */
export async function renderPicture(spec: PictureSpec): Promise<Buffer> {
  const { width: w, height: h } = spec;
  const rand = seededRandom(hashString(spec.prompt, spec.seed));
  const hue = Math.floor(rand() * 360);
  const colour = () => `hsl(${(hue + Math.floor(rand() * 140)) % 360},${55 + Math.floor(rand() * 30)}%,${45 + Math.floor(rand() * 25)}%)`;
  const shapes = Array.from({ length: 9 }, () => {
    const x = Math.floor(rand() * w);
    const y = Math.floor(rand() * h);
    const r = Math.max(1, Math.floor((0.05 + rand() * 0.2) * Math.min(w, h)));
    const fill = `fill="${colour()}" fill-opacity="${(0.35 + rand() * 0.35).toFixed(2)}"`;
    return rand() < 0.5
      ? `<circle cx="${x}" cy="${y}" r="${r}" ${fill}/>`
      : `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${Math.floor(r * (0.5 + rand()))}" rx="${Math.floor(r / 4)}" transform="rotate(${Math.floor(rand() * 90)} ${x} ${y})" ${fill}/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${rand().toFixed(2)}" y2="1">
      <stop offset="0" stop-color="hsl(${hue},55%,22%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},65%,58%)"/>
    </linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
  const background = sharp(Buffer.from(svg));
  const ref = spec.references?.[0];
  if (!ref) return background.png({ compressionLevel: 6 }).toBuffer();
  const side = Math.max(1, Math.floor(Math.min(w, h) * 0.6));
  // The inset goes over as raw pixels and the SVG is composited as rendered: one PNG encode in all.
  const inset = await sharp(ref, { limitInputPixels: MAX_REFERENCE_PIXELS, failOn: 'error' })
    .timeout({ seconds: 20 })
    .autoOrient()
    .resize(side, side, { fit: 'cover' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw new UnreadableReferenceError(err instanceof Error ? err.message : String(err), { cause: err });
    });
  const { width, height, channels } = inset.info;
  return background
    .composite([{ input: inset.data, raw: { width, height, channels }, left: Math.floor((w - side) / 2), top: Math.floor((h - side) / 2) }])
    .png({ compressionLevel: 6 })
    .toBuffer();
}
