import { isTerminal } from '../../core/jobs/job-status';
import { deliveredAnything, isDelivered } from '../../core/jobs/delivery';
import type { Job, JobItem, Repos } from '../../core/ports/store';
import type { Deps } from '../deps';
import { releaseQuota } from './quota-hold';

/**
 * Gives back a cancelled or failed job's daily quota unless it delivered something (a done item):
 * the free quick is spent once anything was delivered. In the ending transaction.
 */
export async function releaseQuotaUnlessDelivered(repos: Repos, job: Job, items: readonly Pick<JobItem, 'status'>[]): Promise<void> {
  // `job` is read before its ending transition: it has not completed, so only done items count.
  if (!deliveredAnything(job, items)) await releaseQuota(repos, job);
}

/**
 * Deletes what an ended job does not deliver (core/jobs/delivery: its own outputs unless it
 * completed, and the outputs of items not done): the objects first, then their rows. Runs after
 * the ending transaction committed; the rows are withheld from that commit on (never listed, no
 * URL signed), so a crash in between leaves only unreachable bytes. Returns how many it deleted.
 */
export async function purgeUndelivered(deps: Deps, jobId: string): Promise<number> {
  const loaded = await deps.store.read(async (r) => {
    const job = await r.jobs.get(jobId);
    if (!job || !isTerminal(job.status)) return null;
    return { job, items: await r.items.list(jobId), assets: await r.assets.listForJob(jobId) };
  });
  if (!loaded) return 0;
  const withheld = loaded.assets.filter((a) => !isDelivered(a, loaded.job, loaded.items));
  if (withheld.length === 0) return 0;
  for (const a of withheld) await deps.storage.delete(a.storageKey);
  await deps.store.tx((r) => r.assets.deleteForJob(jobId, withheld.map((a) => a.id)));
  return withheld.length;
}
