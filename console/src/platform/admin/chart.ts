/** The statuses the jobs chart stacks, bottom up, with their colours (Tailwind fill classes). */
export const CHART_STATUSES = [
  { status: 'completed', fill: 'fill-green-600', swatch: 'bg-green-600' },
  { status: 'failed', fill: 'fill-red-600', swatch: 'bg-red-600' },
  { status: 'cancelled', fill: 'fill-slate-400', swatch: 'bg-slate-400' },
  { status: 'running', fill: 'fill-blue-600', swatch: 'bg-blue-600' },
  { status: 'waiting', fill: 'fill-amber-500', swatch: 'bg-amber-500' },
  { status: 'queued', fill: 'fill-violet-500', swatch: 'bg-violet-500' },
] as const;
export type ChartStatus = (typeof CHART_STATUSES)[number]['status'];

export interface Bucket {
  start: string;
  counts: Partial<Record<ChartStatus, number>>;
}

export interface Segment {
  status: ChartStatus;
  count: number;
  y: number;
  height: number;
}

export interface Bar {
  start: string;
  x: number;
  width: number;
  total: number;
  segments: Segment[];
}

/**
 * Lays out one stacked bar per bucket in a `width` x `height` box (SVG units, y down): each bar's
 * height is its total over the largest total, its segments stacked in CHART_STATUSES order; a gap
 * of `gap` units between bars. Empty statuses have no segment.
 */
export function stackBars(buckets: readonly Bucket[], { width, height, gap = 2 }: { width: number; height: number; gap?: number }): { bars: Bar[]; max: number } {
  const totals = buckets.map((b) => CHART_STATUSES.reduce((sum, s) => sum + (b.counts[s.status] ?? 0), 0));
  const max = Math.max(0, ...totals);
  const slot = buckets.length ? width / buckets.length : 0;
  const bars = buckets.map((b, i) => {
    let top = height;
    const segments: Segment[] = [];
    for (const { status } of CHART_STATUSES) {
      const count = b.counts[status] ?? 0;
      if (count === 0) continue;
      const h = (count / max) * height;
      top -= h;
      segments.push({ status, count, y: top, height: h });
    }
    return { start: b.start, x: i * slot + gap / 2, width: Math.max(0, slot - gap), total: totals[i]!, segments };
  });
  return { bars, max };
}

/** Each status's total over the buckets, for the chart's text alternative and legend. */
export function totalsByStatus(buckets: readonly Bucket[]): Record<ChartStatus, number> {
  const out = Object.fromEntries(CHART_STATUSES.map((s) => [s.status, 0])) as Record<ChartStatus, number>;
  for (const b of buckets) for (const { status } of CHART_STATUSES) out[status] += b.counts[status] ?? 0;
  return out;
}
