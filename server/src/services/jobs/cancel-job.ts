import { AppError, notFound } from '../../core/errors/app-error';
import { assertOwner, type Actor } from './actor';
import { isTerminal } from '../../core/jobs/job-status';
import type { Job } from '../../core/ports/store';
import { refundUnfinished } from '../credits/ledger';
import type { Deps } from '../deps';
import { publishJob } from './job-events';
import { transition } from './transition';
import { purgeUndelivered, releaseQuotaUnlessDelivered } from './withhold-undelivered';

/**
 * Cancels a job that has not ended and refunds what was charged for work not delivered: the
 * job-level charge (its outputs are withheld and deleted) and the items not done. Done items stay
 * charged and downloadable; a daily quota is given back only when nothing was delivered.
 */
export async function cancelJob(deps: Deps, actor: Actor, jobId: string): Promise<{ job: Job; refunded: number }> {
  const out = await deps.store.tx(async (repos) => {
    const job = await repos.jobs.getForUpdate(jobId);
    if (!job) throw notFound('JOB_NOT_FOUND', 'Job not found');
    assertOwner(job, actor);
    if (isTerminal(job.status)) throw new AppError('conflict', 'JOB_WRONG_STATE', `Job is already ${job.status}`);
    const items = await repos.items.list(job.id);
    for (const item of items.filter((i) => i.status === 'pending' || i.status === 'running')) {
      await repos.items.update(job.id, item.idx, { status: 'cancelled' });
    }
    const now = deps.clock.now();
    const cancelled = await transition(repos, job, 'cancelled', {
      leaseOwner: null, leaseUntil: null, wait: null, waitDeadline: null, nextPollAt: null, finishedAt: now,
    }, 'cancelled by user', now);
    if (!cancelled) throw new AppError('conflict', 'JOB_WRONG_STATE', `Job is ${job.status}; it cannot be cancelled`);
    const settled = items.map((i) => (i.status === 'pending' || i.status === 'running' ? { ...i, status: 'cancelled' as const } : i));
    const refunded = await refundUnfinished(repos, job, { jobCompleted: false, items: settled, reason: 'job cancelled' });
    await releaseQuotaUnlessDelivered(repos, job, settled);
    return { job: cancelled, refunded };
  });
  await publishJob(deps, out.job);
  await purgeUndelivered(deps, out.job.id);
  return out;
}
