import type { Job, Json, Repos } from '../../core/ports/store';
import type { Deps } from '../deps';
import { afterCommit, moveJob, type Moved } from './move-job';

/**
 * Resumes a waiting job with the event it waited for (a review, a webhook, a callback, a poll
 * result). Only the first event for a wait wins: later ones find the token spent and change nothing.
 */
export async function resumeWait(
  deps: Deps,
  jobId: string,
  expect: { step?: string; token?: string },
  event: Json,
): Promise<{ resumed: boolean; job: Job | null }> {
  const moved = await deps.store.tx((repos) => resumeWaitTx(repos, jobId, expect, event, deps.clock.now()));
  if (moved) {
    await afterCommit(deps, moved);
    return { resumed: true, job: moved.job };
  }
  return { resumed: false, job: await deps.store.read((r) => r.jobs.get(jobId)) };
}

/** In the caller's transaction: the waiting job moved back to queued, or null; run afterCommit with it. */
export async function resumeWaitTx(
  repos: Repos,
  jobId: string,
  expect: { step?: string; token?: string },
  event: Json,
  now: Date,
): Promise<Moved | null> {
  const job = await repos.jobs.getForUpdate(jobId);
  if (!job || job.status !== 'waiting' || !job.wait) return null;
  if (expect.step && job.wait.step !== expect.step) return null;
  if (expect.token && job.wait.token !== expect.token) return null;
  const steps = await repos.steps.list(jobId);
  const step = steps.find((s) => s.name === job.wait!.step);
  if (!step) return null;
  await repos.steps.upsert({ ...step, output: { event } });
  return moveJob(repos, job, 'queued', {
    run: job.run + 1, wait: null, waitDeadline: null, nextPollAt: null,
  }, { now, note: `resumed ${job.wait.step}` });
}
