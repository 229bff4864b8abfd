import { describe, expect, it } from 'vitest';
import { brighten, contrast, saturate, sharpen, type Pixels } from './preview-pixels';

const pixel = (r: number, g: number, b: number): Pixels => ({ data: new Uint8ClampedArray([r, g, b, 255]), width: 1, height: 1 });
const rgb = (px: Pixels) => [...px.data.slice(0, 3)];

describe('the preview’s colour operations', () => {
  it('brightens by scaling the channels, clamped, alpha kept', () => {
    const px = pixel(100, 200, 250);
    brighten(px, 20);
    expect([...px.data]).toEqual([120, 240, 255, 255]);
  });

  it('stretches contrast around the middle grey, as linear(a, 128·(1−a))', () => {
    const px = pixel(28, 128, 228);
    contrast(px, 50);
    expect(rgb(px)).toEqual([0, 128, 255]);
  });

  it('moves colours away from or towards their grey', () => {
    const grey = pixel(90, 90, 90);
    saturate(grey, 80);
    expect(rgb(grey)).toEqual([90, 90, 90]);
    const red = pixel(200, 50, 50);
    saturate(red, -100);
    expect(new Set(rgb(red)).size).toBe(1);
  });

  it('sharpens an edge: the bright side brighter, the dark side darker', () => {
    const w = 4;
    const data = new Uint8ClampedArray(w * 3 * 4);
    for (let y = 0; y < 3; y++) for (let x = 0; x < w; x++) data.set(x < 2 ? [50, 50, 50, 255] : [200, 200, 200, 255], (y * w + x) * 4);
    const px = { data, width: w, height: 3 };
    sharpen(px, 2);
    expect(px.data[(1 * w + 1) * 4]).toBeLessThan(50);
    expect(px.data[(1 * w + 2) * 4]).toBeGreaterThan(200);
  });
});
