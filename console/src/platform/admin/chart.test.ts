import { describe, expect, it } from 'vitest';
import { stackBars, totalsByStatus } from './chart';

describe('the jobs chart', () => {
  const buckets = [
    { start: '2026-01-01T00:00:00Z', counts: { completed: 2, failed: 1, queued: 1 } },
    { start: '2026-01-01T00:05:00Z', counts: {} },
    { start: '2026-01-01T00:10:00Z', counts: { running: 2 } },
  ];

  it('stacks each bucket\'s statuses bottom up, scaled to the largest total', () => {
    const { bars, max } = stackBars(buckets, { width: 300, height: 100, gap: 10 });
    expect(max).toBe(4);
    expect(bars.map((b) => [b.x, b.width, b.total])).toEqual([[5, 90, 4], [105, 90, 0], [205, 90, 2]]);
    expect(bars[0]!.segments).toEqual([
      { status: 'completed', count: 2, y: 50, height: 50 },
      { status: 'failed', count: 1, y: 25, height: 25 },
      { status: 'queued', count: 1, y: 0, height: 25 },
    ]);
    expect(bars[1]!.segments).toEqual([]);
    expect(bars[2]!.segments).toEqual([{ status: 'running', count: 2, y: 50, height: 50 }]);
  });

  it('draws nothing for no buckets or only empty ones, and totals each status', () => {
    expect(stackBars([], { width: 300, height: 100 })).toEqual({ bars: [], max: 0 });
    expect(stackBars([buckets[1]!], { width: 300, height: 100 }).bars[0]!.segments).toEqual([]);
    expect(totalsByStatus(buckets)).toEqual({ completed: 2, failed: 1, cancelled: 0, running: 2, waiting: 0, queued: 1 });
  });
});
