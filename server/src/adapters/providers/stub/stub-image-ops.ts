import sharp from 'sharp';
import type { GeneratedImage, ImageOperationProvider, ImageOperationRequest, SubmitOptions } from '../../../core/ports/providers';
import { StubPredictions, type StubPredictionOptions } from './stub-predictions';
import { invalidRequest, type StubRuntime } from './stub-runtime';

/** Largest result, in pixels (4096 x 4096): an upscale past it is refused at submit, as a real API's 422. */
export const MAX_OUTPUT_PIXELS = 4096 * 4096;
/** Largest input decoded, in pixels (the PNG/WebP cap of core/media/image-limits.ts). */
const MAX_INPUT_PIXELS = 40_000_000;
const FORMATS = new Set(['png', 'jpeg', 'webp']);

/**
 * Key-out thresholds of `remove_background`, as a distance in RGB (0..441) from the border colour:
 * nearer than LOW is background (alpha 0), farther than HIGH is subject (alpha kept), a smooth ramp
 * between, so edges are soft rather than stair-stepped.
 */
const LOW = 24;
const HIGH = 72;

/**
 * THE STUB of image operations on GPU workers (a prediction, see StubPredictions). It makes real,
 * deterministic PNGs offline, with plain image processing instead of models:
 * - `upscale`: a Lanczos (lanczos3) resize by `scale` (2 or 4, default 2), no detail invented;
 * - `remove_background`: no segmentation model. The background is taken to be the colour of the
 *   image's border pixels (their per-channel median), keyed out with a soft threshold into the
 *   alpha channel. Right for a subject on a plain backdrop, wrong for a busy one; enough for tests
 *   and demos, and honest about being neither.
 * Refused at submit (not retryable): an image that is not PNG, JPEG or WebP, over 40 MP, or an
 * upscale whose result would be over MAX_OUTPUT_PIXELS.
 */
export class StubImageOpsProvider extends StubPredictions<ImageOperationRequest, GeneratedImage> implements ImageOperationProvider {
  readonly name = 'stub-imageOps';
  constructor(rt: StubRuntime, opts: StubPredictionOptions = {}) {
    super(rt, 'imageOps', 'stubops', opts);
  }

  /** Reads the image's header first: its size decides whether the request is refused. */
  override async submit(req: ImageOperationRequest, opts?: SubmitOptions): Promise<{ id: string }> {
    const { width, height } = await this.size(req.image);
    if (req.operation === 'upscale') {
      const scale = req.scale ?? 2;
      if (width * scale * height * scale > MAX_OUTPUT_PIXELS) {
        throw invalidRequest('imageOps', `upscaling ${width}x${height} by ${scale} makes ${width * scale}x${height * scale}, over the ${MAX_OUTPUT_PIXELS}-pixel limit`);
      }
    }
    return super.submit(req, opts);
  }

  protected check(req: ImageOperationRequest): void {
    if (req.operation !== 'remove_background' && req.operation !== 'upscale') throw invalidRequest('imageOps', `unknown operation "${String(req.operation)}"`);
    if (req.scale !== undefined && req.scale !== 2 && req.scale !== 4) throw invalidRequest('imageOps', `scale must be 2 or 4, got ${String(req.scale)}`);
  }

  protected prompt(req: ImageOperationRequest): string {
    return req.operation;
  }

  protected async produce(req: ImageOperationRequest): Promise<GeneratedImage> {
    return req.operation === 'upscale' ? upscale(req.image, req.scale ?? 2) : removeBackground(req.image);
  }

  /** The displayed size (after EXIF orientation); throws invalidRequest for what is not a readable PNG, JPEG or WebP within the limit. */
  private async size(image: Buffer): Promise<{ width: number; height: number }> {
    if (!Buffer.isBuffer(image) || image.length === 0) throw invalidRequest('imageOps', 'the image is empty');
    const meta = await sharp(image, { limitInputPixels: false }).metadata().catch((err: unknown) => {
      throw invalidRequest('imageOps', `unreadable image: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    if (!FORMATS.has(meta.format ?? '')) throw invalidRequest('imageOps', `the image is ${meta.format ?? 'of an unknown format'}; PNG, JPEG or WebP expected`);
    const { width, height } = meta.autoOrient;
    if (width * height > MAX_INPUT_PIXELS) throw invalidRequest('imageOps', `the image is ${width}x${height}, over the ${MAX_INPUT_PIXELS}-pixel limit`);
    return { width, height };
  }
}

const decode = (image: Buffer) => sharp(image, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).autoOrient();

async function upscale(image: Buffer, scale: 2 | 4): Promise<GeneratedImage> {
  const { autoOrient } = await sharp(image, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  const width = autoOrient.width * scale;
  const height = autoOrient.height * scale;
  const png = await decode(image).resize(width, height, { kernel: 'lanczos3', fit: 'fill' }).png().toBuffer();
  return { png, width, height };
}

async function removeBackground(image: Buffer): Promise<GeneratedImage> {
  const { data, info } = await decode(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const key = borderColour(data, width, height);
  const out = Buffer.from(data);
  for (let i = 0; i < width * height; i++) {
    const o = i * 4;
    const d = Math.hypot(data[o]! - key[0], data[o + 1]! - key[1], data[o + 2]! - key[2]);
    const t = Math.min(1, Math.max(0, (d - LOW) / (HIGH - LOW)));
    // Smoothstep: a soft edge between keyed-out and kept.
    out[o + 3] = Math.round(data[o + 3]! * t * t * (3 - 2 * t));
  }
  const png = await sharp(out, { raw: { width, height, channels: 4 } }).png().toBuffer();
  return { png, width, height };
}

/** The per-channel median of the outermost ring of pixels (RGBA rows in `data`). */
function borderColour(data: Buffer, width: number, height: number): [number, number, number] {
  const channels: number[][] = [[], [], []];
  const take = (x: number, y: number) => {
    const o = (y * width + x) * 4;
    for (let c = 0; c < 3; c++) channels[c]!.push(data[o + c]!);
  };
  for (let x = 0; x < width; x++) {
    take(x, 0);
    if (height > 1) take(x, height - 1);
  }
  for (let y = 1; y < height - 1; y++) {
    take(0, y);
    if (width > 1) take(width - 1, y);
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1]!;
  return [median(channels[0]!), median(channels[1]!), median(channels[2]!)];
}
