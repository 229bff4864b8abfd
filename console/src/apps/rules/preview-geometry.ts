import type { RuleOperation } from './rules-api';

export interface Size {
  width: number;
  height: number;
}

/** Where a step takes its pixels from (`src`, in the current image) and puts them (`dst`, in the new one). */
export interface Placement {
  size: Size;
  src: { x: number; y: number; w: number; h: number };
  dst: { x: number; y: number; w: number; h: number };
  /** contain leaves bars around the picture; sharp paints them black. */
  bars: boolean;
}

type Resize = Extract<RuleOperation, { op: 'resize' }>;
type Watermark = Extract<RuleOperation, { op: 'watermark_text' }>;

const whole = (s: Size) => ({ x: 0, y: 0, w: s.width, h: s.height });
const px = (n: number) => Math.max(1, Math.round(n));

/**
 * sharp's `resize({width, height, fit, withoutEnlargement: !enlarge})`, as the GPU worker calls it;
 * null when the box is not valid.
 */
export function resizePlacement(at: Size, op: Resize): Placement | null {
  const { width: W, height: H, fit } = op;
  const valid = (n: number | undefined) => n === undefined || (Number.isFinite(n) && n >= 1);
  if ((W === undefined && H === undefined) || !valid(W) || !valid(H)) return null;
  // Without `enlarge`, sharp leaves a photo already smaller than the box on a side as it is.
  if (op.enlarge !== true && ((W !== undefined && at.width < W) || (H !== undefined && at.height < H))) {
    return { size: { ...at }, src: whole(at), dst: whole(at), bars: false };
  }
  // One side given: the other follows the aspect ratio, whatever the fit.
  if (W === undefined || H === undefined) {
    const s = W !== undefined ? W / at.width : H! / at.height;
    const size = { width: px(at.width * s), height: px(at.height * s) };
    return { size, src: whole(at), dst: whole(size), bars: false };
  }
  switch (fit) {
    case 'fill':
      return { size: { width: W, height: H }, src: whole(at), dst: { x: 0, y: 0, w: W, h: H }, bars: false };
    case 'cover': {
      const crop = ratioCrop(at, W, H);
      return { size: { width: W, height: H }, src: crop, dst: { x: 0, y: 0, w: W, h: H }, bars: false };
    }
    case 'contain': {
      const s = Math.min(W / at.width, H / at.height);
      const w = px(at.width * s);
      const h = px(at.height * s);
      return { size: { width: W, height: H }, src: whole(at), dst: { x: Math.floor((W - w) / 2), y: Math.floor((H - h) / 2), w, h }, bars: w < W || h < H };
    }
    default: {
      const s = (fit === 'outside' ? Math.max : Math.min)(W / at.width, H / at.height);
      const size = { width: px(at.width * s), height: px(at.height * s) };
      return { size, src: whole(at), dst: whole(size), bars: false };
    }
  }
}

/** The centred box of aspect `rw:rh` inside `at`, as apply-rule.ts crops (its `attention` and `entropy` pick the box elsewhere: the preview centres it). */
export function ratioCrop(at: Size, rw: number, rh: number): { x: number; y: number; w: number; h: number } {
  const wide = at.width / at.height > rw / rh;
  const w = wide ? px((at.height * rw) / rh) : at.width;
  const h = wide ? at.height : px((at.width * rh) / rw);
  return { x: Math.floor((at.width - w) / 2), y: Math.floor((at.height - h) / 2), w, h };
}

/** `4:3` as numbers; null when it is not two whole numbers above zero. */
export function parseRatio(ratio: string): [number, number] | null {
  const m = /^(\d{1,2}):(\d{1,2})$/.exec(ratio);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) return null;
  return [Number(m[1]), Number(m[2])];
}

/**
 * The watermark's text box as apply-rule.ts lays it out: the size capped at half the height, a box
 * about 0.7 em a character wide, put in its corner; the text's baseline one size down, half a size in.
 */
export function watermarkBox(at: Size, op: Watermark): { x: number; y: number; w: number; h: number; size: number } {
  const size = Math.max(1, Math.min(op.size, Math.floor(at.height / 2)));
  const w = Math.min(at.width, Math.ceil(op.text.length * size * 0.7) + size);
  const h = Math.min(at.height, Math.round(size * 1.4));
  const left = op.position.endsWith('left') ? 0 : op.position === 'center' ? Math.floor((at.width - w) / 2) : at.width - w;
  const top = op.position.startsWith('top') ? 0 : op.position === 'center' ? Math.floor((at.height - h) / 2) : at.height - h;
  return { x: left, y: top, w, h, size };
}

/** What a rule makes of an image of `input` size: its size, its format, and the steps the preview cannot show as they are. */
export interface PreviewPlan {
  size: Size;
  format: string;
  /** AI steps: done on the GPU worker, not drawn. */
  notShown: RuleOperation['op'][];
  /** crop_ratio steps whose gravity is not the centre: the preview centres them. */
  centred: RuleOperation['op'][];
}

/** The size and format a rule's output will have, step by step as the GPU worker goes (upscale multiplies the size). */
export function previewPlan(input: Size, ops: readonly RuleOperation[]): PreviewPlan {
  let size = input;
  let format = 'jpeg';
  const notShown: RuleOperation['op'][] = [];
  const centred: RuleOperation['op'][] = [];
  for (const op of ops) {
    if (op.op === 'resize') size = resizePlacement(size, op)?.size ?? size;
    if (op.op === 'crop_ratio') {
      const r = parseRatio(op.ratio);
      if (r) {
        const box = ratioCrop(size, ...r);
        size = { width: box.w, height: box.h };
      }
      if (op.gravity !== 'center' && !centred.includes(op.op)) centred.push(op.op);
    }
    if (op.op === 'upscale') size = { width: size.width * op.scale, height: size.height * op.scale };
    if ((op.op === 'upscale' || op.op === 'remove_background') && !notShown.includes(op.op)) notShown.push(op.op);
    if (op.op === 'output') format = op.format;
  }
  return { size, format, notShown, centred };
}
