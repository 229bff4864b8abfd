import type { ImageMime } from '../ports/media';

/**
 * What an uploaded photo may be. Every image operation's cost is bounded by these: decoding by the
 * pixel cap of the format (JPEG decodes shrunk on load, at 1/8 scale, so its cap is far higher),
 * and the square crop by the aspect cap (the cover box of an N:1 image is N times the square).
 */
export interface ImageLimits {
  /** Largest upload in bytes. */
  maxBytes: number;
  /** Largest decoded size per format, in megapixels (1 MP = 1,000,000 pixels). */
  maxMegapixels: Record<ImageMime, number>;
  /** The longer side may be at most this many times the shorter. */
  maxAspectRatio: number;
}

/**
 * 200 MP covers the largest phone sensors (16320x12240); 40 MP covers phone screenshots and
 * edited exports in PNG/WebP, which decode in full; 20:1 covers phone panoramas.
 */
export const IMAGE_LIMITS: ImageLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxMegapixels: { 'image/jpeg': 200, 'image/png': 40, 'image/webp': 40 },
  maxAspectRatio: 20,
};

const FORMAT_NAME: Record<ImageMime, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP' };

/** The limits in one sentence, for API descriptions and error messages. */
export function describeImageLimits(limits: ImageLimits = IMAGE_LIMITS): string {
  const mp = (Object.keys(limits.maxMegapixels) as ImageMime[]).map((m) => `${FORMAT_NAME[m]} ${limits.maxMegapixels[m]} MP`).join(', ');
  return `at most ${limits.maxBytes / (1024 * 1024)} MB; at most ${mp}; the longer side at most ${limits.maxAspectRatio} times the shorter`;
}

/**
 * Why an image of this format and size is refused, in words ("2000x1 is too narrow: ..."), or
 * null when it is within the limits. Reads only the header's facts, so it runs before any decode.
 */
export function imageLimitProblem(mime: ImageMime, width: number, height: number, limits: ImageLimits = IMAGE_LIMITS): string | null {
  const size = `${width}x${height}`;
  if (!(width >= 1 && height >= 1)) return `${size} has no pixels`;
  const maxMp = limits.maxMegapixels[mime];
  if (width * height > maxMp * 1_000_000) {
    const hint = mime === 'image/jpeg' ? 'scale it down' : 'scale it down or send it as JPEG';
    return `${size} is larger than ${maxMp} megapixels (the ${FORMAT_NAME[mime]} limit); ${hint}`;
  }
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long > short * limits.maxAspectRatio) {
    return `${size} is too narrow: the longer side may be at most ${limits.maxAspectRatio} times the shorter`;
  }
  return null;
}
