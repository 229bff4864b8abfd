import { parseRatio, ratioCrop, resizePlacement, watermarkBox, type Size } from './preview-geometry';
import { brighten, contrast, saturate, sharpen, type Pixels } from './preview-pixels';
import type { RuleOperation } from './rules-api';

/** The longest side the preview draws: enough to judge a look, small enough to redraw on every keystroke. */
export const PREVIEW_SIDE = 480;

/** An image to preview and its real size in pixels. */
export interface PreviewSource {
  image: CanvasImageSource;
  width: number;
  height: number;
}

/** The image being worked on: a canvas at preview scale, and the real size it stands for. */
interface Work {
  canvas: HTMLCanvasElement;
  real: Size;
}

const scaleFor = (real: Size) => Math.min(1, PREVIEW_SIDE / Math.max(real.width, real.height));

function blank(real: Size): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  const s = scaleFor(real);
  canvas.width = Math.max(1, Math.round(real.width * s));
  canvas.height = Math.max(1, Math.round(real.height * s));
  // Read back by the colour steps: the browser keeps such a canvas in memory rather than on the GPU.
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  return { canvas, ctx };
}

/** Draws `src` (a box of the current image, in real pixels) into `dst` (a box of the new one, in real pixels). */
function place(from: Work, real: Size, src: { x: number; y: number; w: number; h: number }, dst: { x: number; y: number; w: number; h: number }, bars: boolean): Work {
  const { canvas, ctx } = blank(real);
  const a = from.canvas.width / from.real.width;
  const b = canvas.width / real.width;
  if (bars) {
    ctx.fillStyle = '#000000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  ctx.drawImage(from.canvas, src.x * a, src.y * a, src.w * a, src.h * a, dst.x * b, dst.y * b, dst.w * b, dst.h * b);
  return { canvas, real };
}

function pixels(work: Work, change: (px: Pixels) => void): void {
  const ctx = work.canvas.getContext('2d')!;
  const image = ctx.getImageData(0, 0, work.canvas.width, work.canvas.height);
  change(image);
  ctx.putImageData(image, 0, 0);
}

/** One classic operation on the work, as apply-rule.ts does it on the GPU worker; the AI ones and those without pixels leave it as it is. */
function step(work: Work, op: RuleOperation): Work {
  switch (op.op) {
    case 'resize': {
      const p = resizePlacement(work.real, op);
      return p ? place(work, p.size, p.src, p.dst, p.bars) : work;
    }
    case 'crop_ratio': {
      const r = parseRatio(op.ratio);
      if (!r) return work;
      const box = ratioCrop(work.real, ...r);
      return place(work, { width: box.w, height: box.h }, box, { x: 0, y: 0, w: box.w, h: box.h }, false);
    }
    case 'brightness': pixels(work, (px) => brighten(px, op.value)); return work;
    case 'contrast': pixels(work, (px) => contrast(px, op.value)); return work;
    case 'saturation': pixels(work, (px) => saturate(px, op.value)); return work;
    case 'sharpen': pixels(work, (px) => sharpen(px, op.sigma)); return work;
    case 'background_fill': {
      const { canvas, ctx } = blank(work.real);
      ctx.fillStyle = op.color;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(work.canvas, 0, 0, canvas.width, canvas.height);
      return { canvas, real: work.real };
    }
    case 'watermark_text': {
      if (!op.text.trim()) return work;
      const s = work.canvas.width / work.real.width;
      const box = watermarkBox(work.real, op);
      const ctx = work.canvas.getContext('2d')!;
      ctx.save();
      ctx.font = `${box.size * s}px sans-serif`;
      ctx.textBaseline = 'alphabetic';
      ctx.globalAlpha = op.opacity;
      ctx.fillStyle = '#ffffff';
      ctx.fillText(op.text, (box.x + box.size / 2) * s, (box.y + box.size) * s);
      ctx.globalAlpha = op.opacity / 2;
      ctx.strokeStyle = '#000000';
      ctx.strokeText(op.text, (box.x + box.size / 2) * s, (box.y + box.size) * s);
      ctx.restore();
      return work;
    }
    default:
      return work;
  }
}

/**
 * Draws the rule's look on `source` into `out`, in the browser: an approximation of the classic
 * operations at preview scale (attention and entropy crops centred), the AI ones left out. A step
 * whose fields are half typed is skipped rather than failing the drawing.
 */
export function renderPreview(source: PreviewSource, ops: readonly RuleOperation[], out: HTMLCanvasElement): void {
  const real = { width: source.width, height: source.height };
  const first = blank(real);
  first.ctx.drawImage(source.image, 0, 0, first.canvas.width, first.canvas.height);
  let work: Work = { canvas: first.canvas, real };
  for (const op of ops) {
    try {
      work = step(work, op);
    } catch {
      // A value mid-edit (an empty number, a colour being typed): the other steps still show.
    }
  }
  out.width = work.canvas.width;
  out.height = work.canvas.height;
  out.getContext('2d')?.drawImage(work.canvas, 0, 0);
}

/** The source itself, at preview scale: the "before" picture. */
export function renderOriginal(source: PreviewSource, out: HTMLCanvasElement): void {
  renderPreview(source, [], out);
}
