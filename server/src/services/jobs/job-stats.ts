import { JOB_STATUSES, type JobStatus } from '../../core/jobs/job-status';
import type { Deps } from '../deps';

/** The statuses the chart shows: a draft is not yet a job anyone waits for. */
export const CHARTED_STATUSES = JOB_STATUSES.filter((s): s is Exclude<JobStatus, 'draft'> => s !== 'draft');
export type ChartedStatus = (typeof CHARTED_STATUSES)[number];

export interface JobStatusBuckets {
  windowMinutes: number;
  bucketMinutes: number;
  /** Oldest first; the last bucket holds now (and is still filling). */
  buckets: { start: string; counts: Record<ChartedStatus, number> }[];
}

/**
 * Jobs that changed status in the last `windowMinutes`, counted per bucket of `bucketMinutes` and
 * per status they entered (a job that entered a status twice in one bucket counts once). Buckets
 * are aligned to whole multiples of `bucketMinutes` since the epoch, so a chart refreshed within
 * a bucket keeps its bars; the window ends at the end of the bucket holding now. The caller checks
 * that `windowMinutes` is a multiple of `bucketMinutes`.
 */
export async function jobStatusBuckets(
  deps: Pick<Deps, 'store' | 'clock'>,
  q: { windowMinutes: number; bucketMinutes: number },
): Promise<JobStatusBuckets> {
  const bucketMs = q.bucketMinutes * 60_000;
  const count = Math.ceil(q.windowMinutes / q.bucketMinutes);
  const end = (Math.floor(deps.clock.now().getTime() / bucketMs) + 1) * bucketMs;
  const from = new Date(end - count * bucketMs);
  const rows = await deps.store.read((r) => r.jobs.statusChanges({ from, to: new Date(end), bucketMs }));
  const buckets = Array.from({ length: count }, (_, i) => ({
    start: new Date(from.getTime() + i * bucketMs).toISOString(),
    counts: Object.fromEntries(CHARTED_STATUSES.map((s) => [s, 0])) as Record<ChartedStatus, number>,
  }));
  for (const row of rows) {
    const bucket = buckets[row.bucket];
    if (bucket && row.status in bucket.counts) bucket.counts[row.status as ChartedStatus] += row.count;
  }
  return { windowMinutes: q.windowMinutes, bucketMinutes: q.bucketMinutes, buckets };
}
