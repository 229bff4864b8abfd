import { AppError } from '../../core/errors/app-error';
import type { JobStatus } from '../../core/jobs/job-status';
import type { JobEvent } from '../../core/ports/events';
import type { Job, JobPatch, JsonObject, Repos } from '../../core/ports/store';
import { refundUnfinished } from '../credits/ledger';
import type { Deps } from '../deps';
import { enqueueJob } from './enqueue';
import { publishJob } from './job-events';
import { transition } from './transition';
import { purgeUndelivered, releaseQuotaUnlessDelivered } from './withhold-undelivered';

/**
 * What entering a status leaves to do once the transaction committed: the bus, the queue and the
 * object storage are outside it. Next to the transition table, this is the table of consequences:
 * every caller that moves a job gets them, instead of repeating them at each call site.
 */
const AFTER_COMMIT: Record<JobStatus, readonly ('publish' | 'enqueue' | 'purge-undelivered')[]> = {
  draft: [],
  queued: ['publish', 'enqueue'],
  running: ['publish'],
  waiting: ['publish'],
  // A job without items delivers all it made on completion: nothing to purge, nothing to read.
  completed: ['publish', 'purge-undelivered'],
  failed: ['publish', 'purge-undelivered'],
  cancelled: ['publish', 'purge-undelivered'],
};

/** A job moved in a transaction, with what is left to do after its commit (run by `afterCommit`). */
export interface Moved {
  job: Job;
  /** Credits given back by the move (a failed or cancelled job's unfinished work). */
  refunded: number;
  /** The event's step or message, and the enqueue's delay. */
  event: Partial<JobEvent>;
  delayMs?: number;
}

export interface MoveOptions {
  now: Date;
  note?: string;
  /** Why credits are given back, in the ledger, when the move ends the job with work not delivered. */
  reason?: string;
  /** The error of the job's unfinished items when it fails (default: none) or completes (default: NOT_PRODUCED). */
  itemError?: JsonObject;
  event?: Partial<JobEvent>;
  delayMs?: number;
}

/** The error of an item still unfinished when every step of its job is done. */
const NOT_PRODUCED: JsonObject = { code: 'NOT_PRODUCED', message: 'Item was not produced' };

/**
 * Moves a job along the table in the caller's transaction and does there what entering `to`
 * requires: a job that ends has its unfinished items settled and the work it does not deliver
 * refunded (core/jobs/delivery: a completed job keeps its job-level charge, a failed or cancelled
 * one gives it back and its daily quota too, unless it delivered something). Null when the table
 * forbids the move or someone else moved the job first (then nothing is written).
 * Run `afterCommit` with the result once the transaction committed.
 */
export async function moveJob(repos: Repos, job: Job, to: JobStatus, patch: JobPatch, opts: MoveOptions): Promise<Moved | null> {
  const moved = await transition(repos, job, to, patch, opts.note, opts.now);
  if (!moved) return null;
  let refunded = 0;
  if (to === 'completed' || to === 'failed' || to === 'cancelled') {
    const items = await repos.items.list(job.id);
    const settled = [];
    for (const item of items) {
      if (item.status !== 'pending' && item.status !== 'running') {
        settled.push(item);
        continue;
      }
      const end = to === 'cancelled'
        ? { status: 'cancelled' as const }
        : { status: 'failed' as const, error: opts.itemError ?? (to === 'completed' ? NOT_PRODUCED : null) };
      await repos.items.update(job.id, item.idx, end);
      settled.push({ ...item, ...end });
    }
    // A job without items has nothing to settle on completion: the common path reads no ledger.
    if (to !== 'completed' || items.length > 0) {
      refunded = await refundUnfinished(repos, job, { jobCompleted: to === 'completed', items: settled, reason: opts.reason ?? `job ${to}` });
    }
    // `job` is as read before this move: it had not completed, so only done items count as delivered.
    if (to !== 'completed') await releaseQuotaUnlessDelivered(repos, job, settled);
  }
  return { job: moved, refunded, event: opts.event ?? {}, ...(opts.delayMs ? { delayMs: opts.delayMs } : {}) };
}

/**
 * Like moveJob, but a refused move (the table forbids it, or someone moved the job first) is the
 * caller's 409 JOB_WRONG_STATE, with `refusal` as its message when given.
 */
export async function mustMoveJob(repos: Repos, job: Job, to: JobStatus, patch: JobPatch, opts: MoveOptions & { refusal?: string }): Promise<Moved> {
  const moved = await moveJob(repos, job, to, patch, opts);
  if (!moved) throw new AppError('conflict', 'JOB_WRONG_STATE', opts.refusal ?? `Job is ${job.status}; it cannot become ${to}`);
  return moved;
}

/** Does what a committed move left to do (AFTER_COMMIT of its new status), in order. */
export async function afterCommit(deps: Deps, moved: Moved | null): Promise<void> {
  if (!moved) return;
  const { job } = moved;
  for (const effect of AFTER_COMMIT[job.status]) {
    if (effect === 'publish') await publishJob(deps, job, moved.event);
    if (effect === 'enqueue') await enqueueJob(deps, job, moved.delayMs);
    if (effect === 'purge-undelivered' && (job.status !== 'completed' || job.itemCount > 0)) await purgeUndelivered(deps, job.id);
  }
}

/**
 * The after-commit effects of a hot statement (adapters/db/hot-queries.ts HOT_TRANSITIONS: the
 * claim, a finished step, a completion written with its last step), from the same table as every
 * other move. Such a statement refunds nothing: it completes only a job without items.
 */
export function afterHotMove(deps: Deps, job: Job, event: Partial<JobEvent> = {}): Promise<void> {
  return afterCommit(deps, { job, refunded: 0, event });
}
