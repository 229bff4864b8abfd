import { describe, expect, it } from 'vitest';
import { clampBox, initialBox, keyBox, moved, moveBox, resizeBox, toSource } from './crop-geometry';

describe('crop geometry (source pixels)', () => {
  it('starts with the middle 80% and keeps the box inside the image, at least 16 px', () => {
    expect(initialBox(768, 1024)).toEqual({ x: 77, y: 103, width: 614, height: 819 });
    expect(clampBox({ x: -5, y: 2000, width: 4, height: 3000 }, 768, 1024)).toEqual({ x: 0, y: 0, width: 16, height: 1024 });
  });

  it('moves without resizing at the edges, and resizes from the bottom-right corner', () => {
    const box = { x: 700, y: 0, width: 60, height: 100 };
    expect(moveBox(box, 50, -10, 768, 1024)).toEqual({ x: 708, y: 0, width: 60, height: 100 });
    expect(resizeBox(box, 50, -90, 768, 1024)).toEqual({ x: 700, y: 0, width: 68, height: 16 });
  });

  it('arrows move by 2% of the side, Shift+arrows resize; other keys do nothing', () => {
    const box = { x: 100, y: 100, width: 200, height: 200 };
    expect(keyBox('ArrowRight', false, box, 1000, 500)).toEqual({ x: 120, y: 100, width: 200, height: 200 });
    expect(keyBox('ArrowUp', true, box, 1000, 500)).toEqual({ x: 100, y: 100, width: 200, height: 190 });
    expect(keyBox('Enter', false, box, 1000, 500)).toBeNull();
  });

  it('scales a pointer move from the shown size to the source size', () => {
    expect(toSource(30, 384, 768)).toBe(60);
    expect(toSource(30, 0, 768)).toBe(0);
  });

  it('moves one item of a list to another place', () => {
    expect(moved(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moved(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
  });
});
