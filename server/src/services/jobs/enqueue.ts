import type { Job } from '../../core/ports/store';
import type { Deps } from '../deps';

/**
 * Enqueues a job's current run after the transaction that queued it committed. When this fails
 * (the process dies, Redis is down), the reconciler finds the queued job and enqueues it again.
 */
export async function enqueueJob(deps: Pick<Deps, 'queue' | 'log'>, job: Pick<Job, 'id' | 'run'>, delayMs?: number): Promise<void> {
  try {
    await deps.queue.enqueue({ jobId: job.id, run: job.run }, delayMs ? { delayMs } : undefined);
  } catch (err) {
    deps.log.warn({ err, jobId: job.id }, 'enqueue failed; the reconciler will retry');
  }
}
