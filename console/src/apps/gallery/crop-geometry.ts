/** A rectangle in the source image's pixels, as POST .../crop takes it. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The server's smallest crop (CROP_TOO_SMALL below it). */
export const MIN_CROP = 16;

/** The box at first: the middle 80% of the image. */
export function initialBox(width: number, height: number): Box {
  const w = Math.max(Math.min(MIN_CROP, width), Math.round(width * 0.8));
  const h = Math.max(Math.min(MIN_CROP, height), Math.round(height * 0.8));
  return { x: Math.round((width - w) / 2), y: Math.round((height - h) / 2), width: w, height: h };
}

/** Whole pixels, at least MIN_CROP (or the image) in size, wholly inside the image. */
export function clampBox(box: Box, width: number, height: number): Box {
  const w = Math.min(width, Math.max(Math.min(MIN_CROP, width), Math.round(box.width)));
  const h = Math.min(height, Math.max(Math.min(MIN_CROP, height), Math.round(box.height)));
  const x = Math.min(width - w, Math.max(0, Math.round(box.x)));
  const y = Math.min(height - h, Math.max(0, Math.round(box.y)));
  return { x, y, width: w, height: h };
}

/** Moved by (dx, dy) source pixels; it stops at the image's edges without changing size. */
export const moveBox = (box: Box, dx: number, dy: number, width: number, height: number): Box =>
  clampBox({ ...box, x: box.x + dx, y: box.y + dy }, width, height);

/** Its bottom-right corner moved by (dw, dh) source pixels; the top-left corner stays. */
export function resizeBox(box: Box, dw: number, dh: number, width: number, height: number): Box {
  const w = Math.min(width - box.x, Math.max(Math.min(MIN_CROP, width), Math.round(box.width + dw)));
  const h = Math.min(height - box.y, Math.max(Math.min(MIN_CROP, height), Math.round(box.height + dh)));
  return { ...box, width: w, height: h };
}

/** A pointer's move on screen in source pixels: the image is shown at `shown` px wide for `source` px. */
export const toSource = (screenPx: number, shown: number, source: number) => (shown > 0 ? (screenPx * source) / shown : 0);

/** One arrow key's step: 2% of the image's side, at least a pixel. */
export const keyStep = (side: number) => Math.max(1, Math.round(side / 50));

/** What an arrow key does to the box: moves it, or with Shift resizes it; null for any other key. */
export function keyBox(key: string, shift: boolean, box: Box, width: number, height: number): Box | null {
  const dx = key === 'ArrowLeft' ? -keyStep(width) : key === 'ArrowRight' ? keyStep(width) : 0;
  const dy = key === 'ArrowUp' ? -keyStep(height) : key === 'ArrowDown' ? keyStep(height) : 0;
  if (dx === 0 && dy === 0) return null;
  return shift ? resizeBox(box, dx, dy, width, height) : moveBox(box, dx, dy, width, height);
}

/** The box as percentages of the image, to place it over the image however large it is shown. */
export const boxStyle = (box: Box, width: number, height: number) => ({
  left: `${(box.x / width) * 100}%`, top: `${(box.y / height) * 100}%`, width: `${(box.width / width) * 100}%`, height: `${(box.height / height) * 100}%`,
});

/** A new order: the image at `from` placed at `to` (the others keep their order). */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(out.length, to)), 0, item!);
  return out;
}
