import { isTerminal } from '../../core/jobs/job-status';
import type { Job } from '../../core/ports/store';
import type { Deps } from '../deps';
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
