import { AppError, notFound } from '../../core/errors/app-error';
import { assertOwner, type Actor } from './actor';
import { isTerminal } from '../../core/jobs/job-status';
import type { Job } from '../../core/ports/store';
import type { Deps } from '../deps';
import { afterCommit, mustMoveJob } from './move-job';

/**
 * Cancels a job that has not ended and refunds what was charged for work not delivered: the
 * job-level charge (its outputs are withheld and deleted) and the items not done. Done items stay
 * charged and downloadable; a daily quota is given back only when nothing was delivered.
 */
export async function cancelJob(deps: Deps, actor: Actor, jobId: string): Promise<{ job: Job; refunded: number }> {
  const moved = await deps.store.tx(async (repos) => {
    const job = await repos.jobs.getForUpdate(jobId);
    if (!job) throw notFound('JOB_NOT_FOUND', 'Job not found');
    assertOwner(job, actor);
    if (isTerminal(job.status)) throw new AppError('conflict', 'JOB_WRONG_STATE', `Job is already ${job.status}`);
    const now = deps.clock.now();
    return mustMoveJob(repos, job, 'cancelled', {
      leaseOwner: null, leaseUntil: null, wait: null, waitDeadline: null, nextPollAt: null, finishedAt: now,
    }, { now, note: 'cancelled by user', reason: 'job cancelled', refusal: `Job is ${job.status}; it cannot be cancelled` });
  });
  await afterCommit(deps, moved);
  return { job: moved.job, refunded: moved.refunded };
}
