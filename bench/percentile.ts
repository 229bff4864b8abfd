/** The p-th percentile of an ascending list (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The median of a list in any order (nearest rank, as `percentile`). */
export const median = (values: number[]): number => percentile([...values].sort((a, b) => a - b), 50);
