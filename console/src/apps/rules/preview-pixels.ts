/**
 * The colour operations on RGBA pixels (a canvas's ImageData), as close to sharp's as a browser
 * preview needs: brightness scales the channels (sharp's modulate), contrast is sharp's
 * `linear(a, 128·(1−a))`, saturation moves each pixel from its grey, sharpen is an unsharp mask.
 */
export type Pixels = { data: Uint8ClampedArray; width: number; height: number };

export function brighten(px: Pixels, value: number): void {
  const f = 1 + value / 100;
  for (let i = 0; i < px.data.length; i += 4) {
    px.data[i] = px.data[i]! * f;
    px.data[i + 1] = px.data[i + 1]! * f;
    px.data[i + 2] = px.data[i + 2]! * f;
  }
}

export function contrast(px: Pixels, value: number): void {
  const a = 1 + value / 100;
  const b = 128 * (1 - a);
  for (let i = 0; i < px.data.length; i += 4) {
    px.data[i] = a * px.data[i]! + b;
    px.data[i + 1] = a * px.data[i + 1]! + b;
    px.data[i + 2] = a * px.data[i + 2]! + b;
  }
}

export function saturate(px: Pixels, value: number): void {
  const f = 1 + value / 100;
  for (let i = 0; i < px.data.length; i += 4) {
    const [r, g, b] = [px.data[i]!, px.data[i + 1]!, px.data[i + 2]!];
    const grey = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    px.data[i] = grey + (r - grey) * f;
    px.data[i + 1] = grey + (g - grey) * f;
    px.data[i + 2] = grey + (b - grey) * f;
  }
}

/** An unsharp mask over a 3×3 box blur; a larger sigma sharpens more (sharp's sigma is in the full image's pixels, the preview's are fewer). */
export function sharpen(px: Pixels, sigma: number): void {
  const amount = Math.min(3, 0.6 * sigma);
  const { width: w, height: h } = px;
  const src = px.data.slice();
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += src[((y + dy) * w + x + dx) * 4 + c]!;
        const at = (y * w + x) * 4 + c;
        px.data[at] = src[at]! + amount * (src[at]! - sum / 9);
      }
    }
  }
}
