import type { Asset, Job, JobItem } from '../ports/store';

/**
 * The platform's rule for money and delivery: what a user can download has been paid for, and what
 * was refunded cannot be downloaded. An item's asset is delivered once that item is done (its own
 * charge is kept); an asset of the job itself once the job completed (the job-level charge is kept
 * only then). Until then it is withheld: not listed, no URL signed; a job that ends otherwise
 * (cancelled, failed) refunds it and its objects are deleted.
 */
export function isDelivered(
  asset: Pick<Asset, 'itemIdx'>,
  job: Pick<Job, 'status'>,
  items: readonly Pick<JobItem, 'idx' | 'status'>[],
): boolean {
  if (asset.itemIdx === null) return job.status === 'completed';
  return items.some((i) => i.idx === asset.itemIdx && i.status === 'done');
}

/** The assets of `job` its owner may see and download now (see isDelivered). */
export function deliveredAssets<A extends Pick<Asset, 'itemIdx'>>(job: Pick<Job, 'status'>, items: readonly Pick<JobItem, 'idx' | 'status'>[], assets: A[]): A[] {
  return assets.filter((a) => isDelivered(a, job, items));
}

/** Whether a job has delivered anything: then a daily quota it holds stays spent even if it ends early. */
export function deliveredAnything(job: Pick<Job, 'status'>, items: readonly Pick<JobItem, 'status'>[]): boolean {
  return job.status === 'completed' || items.some((i) => i.status === 'done');
}
