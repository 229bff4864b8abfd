import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range';

describe('parseRange', () => {
  it('reads the single ranges media elements send', () => {
    expect(parseRange('bytes=0-', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('Bytes = 1 - 2', 10)).toEqual({ start: 1, end: 2 });
  });

  it('answers 416 only when no byte of the object is asked for', () => {
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-5', 0)).toBe('unsatisfiable');
  });

  it('ignores what it does not serve: absent, other units, multiple or invalid ranges', () => {
    for (const h of [undefined, '', 'items=0-1', 'bytes=0-1,3-4', 'bytes=5-3', 'bytes=-', 'bytes=a-b']) {
      expect(parseRange(h, 10), String(h)).toBeNull();
    }
  });
});
