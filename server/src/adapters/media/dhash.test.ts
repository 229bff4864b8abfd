import { describe, expect, it } from 'vitest';
import { hammingDistance } from '../../core/media/phash';
import { dHashHex } from './dhash';

describe('dHashHex', () => {
  it('sets a bit where a pixel is brighter than its right neighbour', () => {
    const falling = Uint8Array.from({ length: 72 }, (_, i) => 255 - (i % 9) * 20);
    const rising = Uint8Array.from({ length: 72 }, (_, i) => (i % 9) * 20);
    expect(dHashHex(falling)).toBe('ffffffffffffffff');
    expect(dHashHex(rising)).toBe('0000000000000000');
    expect(hammingDistance('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hammingDistance('00000000000000f0', '0000000000000010')).toBe(3);
    expect(() => dHashHex(new Uint8Array(10))).toThrow(RangeError);
  });
});
