/** A closed-loop load generator: `concurrency` clients, each sending its next request when the last returns. */
export interface LoadResult {
  ok: number;
  failed: number;
  rps: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(opts: { concurrency: number; requests?: number; durationMs?: number; send: () => Promise<boolean> }): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let issued = 0;
  const start = performance.now();
  const more = () =>
    opts.requests !== undefined ? issued < opts.requests : performance.now() - start < (opts.durationMs ?? 3000);
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (more()) {
        issued++;
        const t0 = performance.now();
        const good = await opts.send().catch(() => false);
        latencies.push(performance.now() - t0);
        if (good) ok++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { ok, failed, rps: (ok + failed) / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
