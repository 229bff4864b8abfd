import { AppError } from '../../core/errors/app-error';
import { isTerminal } from '../../core/jobs/job-status';
import type { Job } from '../../core/ports/store';
import type { Deps } from '../deps';
import type { Actor } from './actor';
import { cancelJob } from './cancel-job';
import { jobChannel } from './job-events';

/** Events are advisory (a lost one only delays): the job is read again at least this often. */
const RECHECK_MS = 1_000;

/**
 * The job once it has ended (completed, failed or cancelled), or null when `timeoutMs` passed
 * first. Wakes on the job's events (any process, through the event bus) and reads the job at least
 * every second, so a lost event costs at most that. For endpoints that answer with a job's result
 * (studio's image); the job itself runs on the workers as any other.
 */
export async function awaitJobEnd(deps: Pick<Deps, 'store' | 'events'>, jobId: string, timeoutMs: number): Promise<Job | null> {
  const deadline = Date.now() + timeoutMs;
  let wake: (() => void) | null = null;
  const unsubscribe = await deps.events.subscribe(jobChannel(jobId), (event) => {
    if (isTerminal(event.status)) wake?.();
  });
  try {
    for (;;) {
      const job = await deps.store.read((r) => r.jobs.get(jobId));
      if (!job || isTerminal(job.status)) return job;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(RECHECK_MS, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    await unsubscribe();
  }
}

/**
 * A job's result for a caller who waits for it (studio's prompt and image): the completed job, or
 * the error that says what happened. Past Settings.syncJobDeadlineMs the job is cancelled and
 * refunded, 504 `<WHAT>_TIMEOUT`; a job that ended first, while the cancel raced it, is answered as
 * it ended. A failed job: 502 GENERATION_FAILED, its charge refunded by the engine. `what` names
 * the work in the codes and messages (`IMAGE`).
 */
export async function awaitJobResult(deps: Deps, actor: Actor, jobId: string, what: string): Promise<Job> {
  let ended = await awaitJobEnd(deps, jobId, deps.settings.syncJobDeadlineMs);
  if (!ended) {
    try {
      await cancelJob(deps, actor, jobId);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'JOB_WRONG_STATE')) throw err;
    }
    ended = await deps.store.read((r) => r.jobs.get(jobId));
  }
  if (ended?.status === 'completed') return ended;
  const noun = what.toLowerCase();
  if (!ended || ended.status === 'cancelled') {
    const seconds = Math.round(deps.settings.syncJobDeadlineMs / 1000);
    throw new AppError('timeout', `${what}_TIMEOUT`, `The ${noun} took longer than ${seconds} s and was stopped; you were not charged. Try again`, { jobId });
  }
  const message = typeof ended.error?.message === 'string' ? ended.error.message : 'the provider failed';
  throw new AppError('upstream_failed', 'GENERATION_FAILED', `The ${noun} could not be made (${message}); you were not charged`, { jobId });
}
