import type { Job, Json, Repos } from '../../core/ports/store';
import type { Deps } from '../deps';
import { enqueueJob } from './enqueue';
import { publishJob } from './job-events';
import { transition } from './transition';

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
  const job = await deps.store.tx((repos) => resumeWaitTx(repos, jobId, expect, event, deps.clock.now()));
  if (job) {
    await publishJob(deps, job);
    await enqueueJob(deps, job);
    return { resumed: true, job };
  }
  return { resumed: false, job: await deps.store.read((r) => r.jobs.get(jobId)) };
}

export async function resumeWaitTx(
  repos: Repos,
  jobId: string,
  expect: { step?: string; token?: string },
  event: Json,
  now: Date,
): Promise<Job | null> {
  const job = await repos.jobs.getForUpdate(jobId);
  if (!job || job.status !== 'waiting' || !job.wait) return null;
  if (expect.step && job.wait.step !== expect.step) return null;
  if (expect.token && job.wait.token !== expect.token) return null;
  const steps = await repos.steps.list(jobId);
  const step = steps.find((s) => s.name === job.wait!.step);
  if (!step) return null;
  await repos.steps.upsert({ ...step, output: { event } });
  return transition(repos, job, 'queued', {
    run: job.run + 1, wait: null, waitDeadline: null, nextPollAt: null,
  }, `resumed ${job.wait.step}`, now);
}
