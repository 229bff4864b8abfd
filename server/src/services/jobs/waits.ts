import { isWaiting } from '../../core/jobs/step-waits';
import type { Job, Json, Repos } from '../../core/ports/store';
import type { Deps } from '../deps';
import { afterCommit, moveJob, type Moved } from './move-job';

/**
 * Resumes one waiting step of a job with the event it waited for (a review, a webhook, a
 * callback, a poll result), chosen by step name and/or token (neither: the first waiting step).
 * Only the first event for a wait wins: it spends the step's token, and later ones find no wait
 * and change nothing. A waiting job is requeued to run the step; a job that is queued or running
 * (its other steps still ran) keeps the event in the step's record, and its run picks it up before
 * it would wait (engine/steps-run.ts settle()).
 */
export async function resumeWait(
  deps: Deps,
  jobId: string,
  expect: { step?: string; token?: string },
  event: Json,
): Promise<{ resumed: boolean; job: Job | null }> {
  const out = await deps.store.tx((repos) => resumeWaitTx(repos, jobId, expect, event, deps.clock.now()));
  if (out) {
    await afterCommit(deps, out.moved);
    return { resumed: true, job: out.job };
  }
  return { resumed: false, job: await deps.store.read((r) => r.jobs.get(jobId)) };
}

/**
 * See resumeWait; null when no step of the job waits for this event. `moved`: the waiting job
 * requeued (run afterCommit with it), or null when the event was kept for the run in progress.
 */
export async function resumeWaitTx(
  repos: Repos,
  jobId: string,
  expect: { step?: string; token?: string },
  event: Json,
  now: Date,
): Promise<{ job: Job; moved: Moved | null } | null> {
  const job = await repos.jobs.getForUpdate(jobId);
  if (!job || !['waiting', 'queued', 'running'].includes(job.status)) return null;
  const steps = await repos.steps.list(jobId);
  const step = steps.find((s) => isWaiting(s) && (!expect.step || s.name === expect.step) && (!expect.token || s.wait.token === expect.token));
  if (!step) return null;
  await repos.steps.upsert({ ...step, output: { event }, wait: null });
  if (job.status !== 'waiting') return { job, moved: null };
  const moved = await moveJob(repos, job, 'queued', {
    run: job.run + 1, wait: null, waitDeadline: null, nextPollAt: null,
  }, { now, note: `resumed ${step.name}` });
  return moved ? { job: moved.job, moved } : null;
}
