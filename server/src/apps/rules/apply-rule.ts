import sharp, { type OutputInfo, type Sharp } from 'sharp';
import type { ImageOperationRequest } from '../../core/ports/providers';
import type { RuleOperation } from './rule-operations';

/** One image after its rule: the encoded bytes and what they are. */
export interface AppliedImage {
  body: Buffer;
  mime: string;
  ext: string;
  width: number;
  height: number;
}

/** An AI operation on a PNG (the image-operation provider, a GPU worker's own model): a PNG back. */
export type AiOperation = (req: Omit<ImageOperationRequest, 'image'> & { image: Buffer }) => Promise<Buffer>;

type Raw = { data: Buffer; info: OutputInfo };

const FORMATS = { jpeg: ['image/jpeg', 'jpg'], png: ['image/png', 'png'], webp: ['image/webp', 'webp'], avif: ['image/avif', 'avif'] } as const;
const CORNER = { 'top-left': 'northwest', 'top-right': 'northeast', 'bottom-left': 'southwest', 'bottom-right': 'southeast', center: 'centre' } as const;

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Applies a rule's operations in order to one image (seed 003: what a GPU worker does to each
 * item). Each operation works on the pixels the one before left: operations that sharp runs in
 * the rule's order share one pipeline, others meet through raw pixels (Stage); `auto_orient`
 * applies the input's EXIF orientation wherever it stands. AI operations go to `ai` as PNG. The
 * output is encoded as the last `output` says (JPEG 85 by default); a format without alpha gets
 * transparency flattened onto white (or the background_fill colour). Outputs carry no metadata
 * (EXIF, GPS, XMP), whether or not the rule says `strip_metadata`.
 *
 * Uses sharp in the calling process: the GPU worker's, never the API's. Throws sharp's error for
 * an input it cannot decode.
 */
export async function applyRule(input: Buffer, ops: readonly RuleOperation[], ai: AiOperation): Promise<AppliedImage> {
  const orient = ops.some((o) => o.op === 'auto_orient');
  let stage = await decoded(input, orient);
  // Every size the pixels will take, worked out before any is made: a rule cannot blow one up.
  let size = stage.size!;
  for (const op of ops) {
    size = sizeAfter(size, op);
    if (size.width * size.height > MAX_PIXELS) throw new ImageTooLargeError(op.op, size);
  }
  let output: { format: keyof typeof FORMATS; quality: number } = { format: 'jpeg', quality: 85 };
  for (const op of ops) {
    switch (op.op) {
      case 'auto_orient': case 'strip_metadata': break;
      case 'output': output = { format: op.format, quality: op.quality }; break;
      case 'remove_background': case 'upscale': {
        const png = await stage.s.png().toBuffer();
        const made = await ai(op.op === 'upscale' ? { operation: 'upscale', scale: op.scale, image: png } : { operation: 'remove_background', image: png });
        stage = await decoded(made, false);
        break;
      }
      default: {
        const rank = SHARP_ORDER[op.op];
        const joins = rank > stage.queued && !(op.op === 'watermark_text' && stage.queued > 0) && !(SIZED.has(op.op) && !stage.size);
        const at = joins ? stage : await settled(stage);
        stage = { s: classic(at.s, at.size, op), size: RESIZING.has(op.op) ? null : at.size, queued: rank, filled: at.filled || op.op === 'background_fill' };
      }
    }
  }
  const [mime, ext] = FORMATS[output.format];
  // A JPEG has no alpha: transparency goes onto white (nothing changes for an opaque image).
  // A background_fill in the pipeline has flattened it already (sharp keeps one flatten colour, the last given).
  const final = output.format === 'jpeg' && !stage.filled ? stage.s.flatten({ background: '#ffffff' }) : stage.s;
  const { data, info } = await final.toFormat(output.format, { quality: output.quality }).toBuffer({ resolveWithObject: true });
  return { body: data, mime, ext, width: info.width, height: info.height };
}

/** The most pixels an image may have at any step of a rule (64 MP: 8000 x 8000), so one photo's memory stays bounded. */
export const MAX_PIXELS = 64_000_000;

/** A rule would make the photo larger than MAX_PIXELS at `op`: the photo fails (and is refunded), nothing is decoded. */
export class ImageTooLargeError extends Error {
  override readonly name = 'ImageTooLargeError';
  constructor(readonly op: string, readonly size: { width: number; height: number }) {
    super(`${op} would make this photo ${size.width}x${size.height} (${Math.round((size.width * size.height) / 1e6)} MP), over the ${MAX_PIXELS / 1e6} MP a step may have`);
  }
}

/** The size `op` leaves an image of size `at` in (as sharp does it). */
function sizeAfter(at: { width: number; height: number }, op: RuleOperation): { width: number; height: number } {
  switch (op.op) {
    case 'upscale': return { width: at.width * op.scale, height: at.height * op.scale };
    case 'crop_ratio': {
      const [rw, rh] = op.ratio.split(':').map(Number) as [number, number];
      return cropBox(at, rw, rh);
    }
    case 'resize': {
      const { width: W, height: H } = op;
      if (!op.enlarge && ((W !== undefined && at.width < W) || (H !== undefined && at.height < H))) return at;
      if (W === undefined || H === undefined) {
        const k = W !== undefined ? W / at.width : H! / at.height;
        return { width: Math.max(1, Math.round(at.width * k)), height: Math.max(1, Math.round(at.height * k)) };
      }
      if (op.fit === 'inside' || op.fit === 'outside') {
        const k = (op.fit === 'inside' ? Math.min : Math.max)(W / at.width, H / at.height);
        return { width: Math.max(1, Math.round(at.width * k)), height: Math.max(1, Math.round(at.height * k)) };
      }
      return { width: W, height: H };
    }
    default: return at;
  }
}

/** The box of aspect `rw:rh` that fits in `at`, as crop_ratio cuts it. */
function cropBox(at: { width: number; height: number }, rw: number, rh: number) {
  const wide = at.width / at.height > rw / rh;
  return {
    width: wide ? Math.max(1, Math.round((at.height * rw) / rh)) : at.width,
    height: wide ? at.height : Math.max(1, Math.round((at.width * rh) / rw)),
  };
}

/**
 * The image as the next operation takes it: a sharp pipeline, the highest SHARP_ORDER of the
 * operations queued on it (0: none), and its size once they have run (null while a resize or crop
 * is queued: the size is known exactly once it has run). The first operation runs in the decode
 * itself (a JPEG shrinks on load, no full-size copy is made), the last in the encode, and one that
 * sharp would run after those queued joins them; otherwise the queued ones run into raw pixels first.
 */
interface Stage {
  s: Sharp;
  size: { width: number; height: number } | null;
  queued: number;
  /** A background_fill is queued: sharp flattens the pipeline onto its colour. */
  filled: boolean;
}

/**
 * Where sharp runs each classic operation within one pipeline: in its own fixed order (flatten,
 * resize, modulate, sharpen, composite, linear: sharp's src/pipeline.cc), once each, whatever
 * order they were called in. So an operation may join the queued ones only when it comes later in
 * that order. A composite (watermark) joins none: with a resize or sharpen queued, sharp carries
 * an alpha band through them (1.7x the time of a fresh pipeline, measured).
 */
const SHARP_ORDER = {
  background_fill: 1, resize: 2, crop_ratio: 2, brightness: 3, saturation: 3, sharpen: 4, watermark_text: 5, contrast: 6,
} as const;
/** Operations that change the size, and those that need the exact current size. */
const RESIZING: ReadonlySet<string> = new Set(['resize', 'crop_ratio']);
const SIZED: ReadonlySet<string> = new Set(['crop_ratio', 'watermark_text']);

/** `input` about to be decoded (turned upright first with `orient`), its size read from its header. */
async function decoded(input: Buffer, orient: boolean): Promise<Stage> {
  const meta = await sharp(input, { failOn: 'error' }).metadata();
  const turned = orient && (meta.orientation ?? 1) >= 5;
  const size = { width: (turned ? meta.height : meta.width) ?? 0, height: (turned ? meta.width : meta.height) ?? 0 };
  const s = sharp(input, { failOn: 'error' });
  return { s: orient ? s.rotate() : s, size, queued: 0, filled: false };
}

/** A fresh pipeline of the stage's pixels: the stage itself, or its queued operations run into raw pixels. */
async function settled(stage: Stage): Promise<Stage> {
  if (stage.queued === 0) return stage;
  const raw = await toRaw(stage.s);
  return { s: from(raw), size: raw.info, queued: 0, filled: false };
}

const from = (raw: Raw) => sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels } });
const toRaw = (s: Sharp) => s.raw().toBuffer({ resolveWithObject: true });

/** The smallest watermark text, in pixels: past it a long text is cut at the photo's edge rather than made unreadable. */
const MIN_WATERMARK_PX = 8;
/** Characters a sans-serif font sets about 1 em wide (Hangul, CJK, full-width forms, emoji, and the widest Latin letters). */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6MWmw@%]|\p{Extended_Pictographic}/u;

/**
 * The width of `text` in ems as a sans-serif font sets it, erring wide (an estimate: librsvg
 * renders the SVG and cannot be asked): WIDE characters 1, other capitals 0.75, the rest 0.6.
 */
function emsOf(text: string): number {
  let ems = 0;
  for (const ch of text) ems += WIDE.test(ch) ? 1 : ch >= 'A' && ch <= 'Z' ? 0.75 : 0.6;
  return ems;
}

/** The classic operations queued on `s`, whose pixels are of size `at` (known for the SIZED ones). */
function classic(s: Sharp, at: { width: number; height: number } | null, op: RuleOperation): Sharp {
  switch (op.op) {
    // sharp's withoutEnlargement: a photo already smaller than the box on a side is left as it is.
    case 'resize': return s.resize({ width: op.width, height: op.height, fit: op.fit, withoutEnlargement: !op.enlarge });
    case 'crop_ratio': {
      const [rw, rh] = op.ratio.split(':').map(Number) as [number, number];
      const { width, height } = cropBox(at!, rw, rh);
      const position = op.gravity === 'center' ? 'centre' : sharp.strategy[op.gravity];
      return s.resize({ width, height, fit: 'cover', position });
    }
    case 'brightness': return s.modulate({ brightness: 1 + op.value / 100 });
    case 'saturation': return s.modulate({ saturation: 1 + op.value / 100 });
    case 'contrast': {
      const a = 1 + op.value / 100;
      return s.linear(a, 128 * (1 - a));
    }
    case 'sharpen': return s.sharpen({ sigma: op.sigma });
    case 'background_fill': return s.flatten({ background: op.color });
    case 'watermark_text': {
      // Smaller than asked when the text would not fit across the photo (never cut off at its edge,
      // down to MIN_WATERMARK_PX), and never taller than the photo: the box always fits in it.
      const ems = emsOf(op.text);
      const across = Math.max(MIN_WATERMARK_PX, Math.floor((at!.width * 0.95) / (ems + 1)));
      const size = Math.max(1, Math.min(op.size, Math.floor(at!.height / 1.4), across));
      const width = Math.min(at!.width, Math.ceil((ems + 1) * size));
      const height = Math.min(at!.height, Math.ceil(size * 1.4));
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${size / 2}" y="${size}" font-family="sans-serif" font-size="${size}" fill="#ffffff" fill-opacity="${op.opacity}" stroke="#000000" stroke-opacity="${op.opacity / 2}">${xml(op.text)}</text></svg>`;
      return s.composite([{ input: Buffer.from(svg), gravity: CORNER[op.position] }]);
    }
    default: throw new Error(`not a classic operation: ${op.op}`);
  }
}
