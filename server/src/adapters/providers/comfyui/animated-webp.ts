import sharp from 'sharp';

/**
 * Animated WebP (ComfyUI's SaveAnimatedWEBP) as a YUV4MPEG2 stream that ffmpeg reads.
 *
 * Why: the ffmpeg the project ships (@ffmpeg-installer/ffmpeg, a 2018 build) skips the ANIM/ANMF
 * chunks of an animated WebP ("skipping unsupported chunk: ANIM ... image data not found"), so
 * MediaToolkit.conformVideo cannot read it; sharp (libvips) decodes every frame. Y4M is the
 * simplest container ffmpeg reads with a frame rate and no codec: a text header, then per frame
 * `FRAME\n` and the planes (BT.601 limited range, 4:2:0, chroma sized ceil(w/2) x ceil(h/2)).
 */
export function isAnimatedWebp(buf: Buffer): boolean {
  // RIFF....WEBP, then an extended header (VP8X) whose flags byte has the animation bit (0x02).
  // Source: Google's WebP container specification, "Extended File Format".
  return buf.length > 21 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP'
    && buf.toString('latin1', 12, 16) === 'VP8X' && (buf[20]! & 0x02) !== 0;
}

export interface AnimatedWebpOptions {
  /** Largest width x height x frames decoded (default 64 M: 832x480 at 160 frames); more is refused. */
  maxPixels?: number;
  /** Frame rate when the file gives no frame delays (default 16). */
  fallbackFps?: number;
  /** sharp's time limit, in seconds (default 60). */
  timeoutSec?: number;
}

/** The frames of an animated WebP as Y4M; throws Error with a plain message when it is too large or unreadable. */
export async function animatedWebpToY4m(buf: Buffer, opts: AnimatedWebpOptions = {}): Promise<Buffer> {
  const maxPixels = opts.maxPixels ?? 64_000_000;
  const meta = await sharp(buf, { animated: true, limitInputPixels: false }).metadata();
  const pages = meta.pages ?? 1;
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw new Error('animated WebP without a frame size');
  if (width * height * pages > maxPixels) throw new Error(`animated WebP of ${pages} frames of ${width}x${height} is over the ${maxPixels}-pixel limit`);
  const { data, info } = await sharp(buf, { animated: true, limitInputPixels: maxPixels })
    .timeout({ seconds: opts.timeoutSec ?? 60 })
    .flatten({ background: '#000000' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const frames = Math.floor(info.height / height);
  if (info.channels !== 3 || frames < 1) throw new Error(`animated WebP decoded to ${info.channels} channels, ${frames} frames`);

  const { rate, repeats } = timing(meta.delay, frames, opts.fallbackFps ?? 16);
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const frameBytes = width * height + 2 * cw * ch;
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${rate} Ip A1:1 C420jpeg\n`, 'latin1');
  const marker = Buffer.from('FRAME\n', 'latin1');
  const total = repeats.reduce((a, b) => a + b, 0);
  const out = Buffer.alloc(header.length + total * (marker.length + frameBytes));
  header.copy(out, 0);
  let at = header.length;
  const yuv = Buffer.alloc(frameBytes);
  for (let f = 0; f < frames; f++) {
    toYuv420(data.subarray(f * width * height * 3, (f + 1) * width * height * 3), width, height, yuv);
    for (let r = 0; r < repeats[f]!; r++) {
      marker.copy(out, at);
      yuv.copy(out, at + marker.length);
      at += marker.length + frameBytes;
    }
  }
  return out;
}

/**
 * A constant frame rate for the frames' delays (ms): 1000/d when all are d, else the shortest
 * delay as the frame period with each frame repeated to its own length.
 */
function timing(delays: number[] | undefined, frames: number, fallbackFps: number): { rate: string; repeats: number[] } {
  const ds = Array.from({ length: frames }, (_, i) => delays?.[i] ?? 0);
  if (ds.every((d) => d <= 0)) return { rate: `${Math.round(fallbackFps * 1000)}:1000`, repeats: ds.map(() => 1) };
  const base = Math.min(...ds.filter((d) => d > 0));
  return { rate: `1000:${base}`, repeats: ds.map((d) => Math.max(1, Math.round(d / base))) };
}

/** RGB24 to planar YUV 4:2:0, BT.601 limited range; chroma is the mean of each 2x2 block. */
function toYuv420(rgb: Buffer, w: number, h: number, out: Buffer): void {
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const uBase = w * h;
  const vBase = uBase + cw * ch;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      out[y * w + x] = clamp(16 + (65.738 * rgb[i]! + 129.057 * rgb[i + 1]! + 25.064 * rgb[i + 2]!) / 256);
    }
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0, g = 0, b = 0, n = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const x = cx * 2 + dx;
          const y = cy * 2 + dy;
          if (x >= w || y >= h) continue;
          const i = (y * w + x) * 3;
          r += rgb[i]!; g += rgb[i + 1]!; b += rgb[i + 2]!; n++;
        }
      }
      r /= n; g /= n; b /= n;
      out[uBase + cy * cw + cx] = clamp(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256);
      out[vBase + cy * cw + cx] = clamp(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256);
    }
  }
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
