import { describe, expect, it } from 'vitest';
import { parseRatio, previewPlan, ratioCrop, resizePlacement, watermarkBox } from './preview-geometry';

const at = { width: 1200, height: 800 };

describe('the preview’s geometry, as the GPU worker’s sharp does it', () => {
  it('resizes by each fit, enlarging too, and keeps the aspect when one side is given', () => {
    expect(resizePlacement(at, { op: 'resize', width: 600, fit: 'cover', enlarge: true })?.size).toEqual({ width: 600, height: 400 });
    expect(resizePlacement(at, { op: 'resize', width: 2000, height: 2000, fit: 'inside', enlarge: true })?.size).toEqual({ width: 2000, height: 1333 });
    expect(resizePlacement(at, { op: 'resize', width: 1000, height: 1000, fit: 'outside', enlarge: true })?.size).toEqual({ width: 1500, height: 1000 });
    const cover = resizePlacement(at, { op: 'resize', width: 1000, height: 1000, fit: 'cover', enlarge: true })!;
    expect(cover.size).toEqual({ width: 1000, height: 1000 });
    expect(cover.src).toEqual({ x: 200, y: 0, w: 800, h: 800 });
    const contain = resizePlacement(at, { op: 'resize', width: 2000, height: 2000, fit: 'contain', enlarge: true })!;
    expect(contain).toMatchObject({ size: { width: 2000, height: 2000 }, dst: { x: 0, y: 333, w: 2000, h: 1333 }, bars: true });
    expect(resizePlacement(at, { op: 'resize', width: 300, height: 300, fit: 'fill', enlarge: true })?.dst).toEqual({ x: 0, y: 0, w: 300, h: 300 });
    expect(resizePlacement(at, { op: 'resize', fit: 'inside', enlarge: true } as never)).toBeNull();
  });

  it('leaves a photo smaller than the box on a side as it is, unless told to enlarge', () => {
    expect(resizePlacement(at, { op: 'resize', width: 2000, fit: 'inside', enlarge: false })?.size).toEqual(at);
    expect(resizePlacement(at, { op: 'resize', width: 1000, height: 1000, fit: 'cover', enlarge: false })?.size).toEqual(at);
    expect(resizePlacement(at, { op: 'resize', width: 600, fit: 'inside', enlarge: false })?.size).toEqual({ width: 600, height: 400 });
  });

  it('crops to a ratio around the centre, and refuses a ratio that is not one', () => {
    expect(ratioCrop(at, 1, 1)).toEqual({ x: 200, y: 0, w: 800, h: 800 });
    expect(ratioCrop(at, 4, 5)).toEqual({ x: 280, y: 0, w: 640, h: 800 });
    expect(ratioCrop(at, 16, 9)).toEqual({ x: 0, y: 62, w: 1200, h: 675 });
    expect(parseRatio('4:3')).toEqual([4, 3]);
    expect(parseRatio('0:3')).toBeNull();
    expect(parseRatio('4x3')).toBeNull();
  });

  it('puts the watermark in its corner, its size capped at half the height', () => {
    expect(watermarkBox(at, { op: 'watermark_text', text: 'SAMPLE', position: 'bottom-right', opacity: 0.5, size: 32 })).toEqual({ x: 1200 - 167, y: 800 - 45, w: 167, h: 45, size: 32 });
    expect(watermarkBox({ width: 100, height: 40 }, { op: 'watermark_text', text: 'A', position: 'top-left', opacity: 1, size: 400 })).toMatchObject({ x: 0, y: 0, size: 20 });
  });

  it('plans the result’s size and format, and names what the preview cannot show', () => {
    const plan = previewPlan(at, [
      { op: 'crop_ratio', ratio: '4:5', gravity: 'attention' }, { op: 'upscale', scale: 2 }, { op: 'remove_background' },
      { op: 'resize', width: 1200, fit: 'inside', enlarge: false }, { op: 'output', format: 'webp', quality: 80 },
    ]);
    expect(plan).toEqual({ size: { width: 1200, height: 1500 }, format: 'webp', notShown: ['upscale', 'remove_background'], centred: ['crop_ratio'] });
    expect(previewPlan(at, [{ op: 'brightness', value: 10 }])).toEqual({ size: at, format: 'jpeg', notShown: [], centred: [] });
  });
});
