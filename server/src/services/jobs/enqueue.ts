import type { JobSnapshot } from '../../core/ports/queue';
import type { Job } from '../../core/ports/store';
import type { Deps } from '../deps';

/**
 * Enqueues a job's current run after the transaction that queued it committed. When this fails
 * (the process dies, Redis is down), the reconciler finds the queued job and enqueues it again.
 */
export async function enqueueJob(deps: Pick<Deps, 'queue' | 'log'>, job: Job, delayMs?: number): Promise<void> {
  try {
    const snapshot = job.run === 1 ? snapshotOf(job) : undefined;
    await deps.queue.enqueue({ jobId: job.id, run: job.run, ...(snapshot ? { job: snapshot } : {}) }, delayMs ? { delayMs } : undefined);
  } catch (err) {
    deps.log.warn({ err, jobId: job.id }, 'enqueue failed; the reconciler will retry');
  }
}

/** Snapshots above this size stay out of the queue: such a job's steps read it from the database. */
const MAX_SNAPSHOT_CHARS = 8_192;

function snapshotOf(job: Job): JobSnapshot | undefined {
  const snapshot: JobSnapshot = {
    userId: job.userId, app: job.app, pipeline: job.pipeline, input: job.input, state: job.state,
    entityKey: job.entityKey, itemCount: job.itemCount, createdAt: job.createdAt.toISOString(),
  };
  return JSON.stringify(snapshot).length <= MAX_SNAPSHOT_CHARS ? snapshot : undefined;
}
