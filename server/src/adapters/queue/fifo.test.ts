import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo';

describe('Fifo', () => {
  it('keeps order across compactions', () => {
    const f = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      f.push(i);
      if (i % 3 === 0) out.push(f.shift()!);
    }
    while (f.length > 0) out.push(f.shift()!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(f.shift()).toBeUndefined();
  });
});
