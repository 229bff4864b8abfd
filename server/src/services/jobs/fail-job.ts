import type { Job, JsonObject, Repos } from '../../core/ports/store';
import { moveJob, type Moved } from './move-job';

/** Why a job failed, as its `error` column keeps it (with `refunded`, the credits given back, when any were). */
export interface JobFailure {
  code: string;
  message: string;
  /** The step that failed or waited, when one did. */
  step?: string;
}

/**
 * Fails a job in the caller's transaction (moveJob 'failed'): its unfinished items fail with the
 * same code, the work it did not deliver is refunded once and its daily quota given back, and its
 * error records how much was refunded. Null when the table forbids the move or someone moved the
 * job first. Run afterCommit with the result once the transaction committed (publish, purge).
 */
export async function failJob(repos: Repos, job: Job, error: JobFailure, now: Date): Promise<Moved | null> {
  const moved = await moveJob(repos, job, 'failed', {
    error: error as unknown as JsonObject, leaseOwner: null, leaseUntil: null, wait: null,
    waitDeadline: null, nextPollAt: null, finishedAt: now,
  }, { now, note: error.code, reason: `job failed: ${error.code}`, itemError: { code: error.code, message: error.message } });
  if (!moved || moved.refunded === 0) return moved;
  // The refund is known only once the items are settled: the error is written again with it, in the same transaction.
  const noted = await repos.jobs.update(job.id, { error: { ...error, refunded: moved.refunded } as unknown as JsonObject });
  return noted ? { ...moved, job: noted } : moved;
}
