import { AppError, notFound } from '../../core/errors/app-error';
import { deliveredAssets } from '../../core/jobs/delivery';
import { isWaiting } from '../../core/jobs/step-waits';
import type { Asset, Job, Json, JobStep, Repos } from '../../core/ports/store';
import type { Deps } from '../deps';
import { afterCommit, moveJob } from './move-job';

/** The history note of a job an admin sent to run again. */
export const RETRIED_BY_ADMIN = 'retried by an admin';

/**
 * Runs a failed job again (failed -> queued, an admin's action), from the steps that had not
 * finished: the engine resumes a job by running only the steps not done, so this resets what must
 * run again, in the transaction of the move:
 * - failed steps, and steps left waiting (a wait that timed out), to a fresh first attempt;
 * - done steps whose output names an output the failure does not deliver (core/jobs/delivery: a
 *   job that fails delivers none of its own assets, only done items'; they are purged): the steps
 *   after them would read objects that are gone;
 * - items not done, back to pending.
 * The run is incremented (the queue message of the new run; stale messages of the old one are
 * refused by the claim), and `enqueue` and `publish` come from the move's table (move-job.ts).
 *
 * No new charge: credits are charged only at admission, and a failed job's unfinished charges
 * were refunded when it failed. The ledger is idempotent per job and item (`charge:<job>[:<item>]`,
 * refunds `refund:<charge key>`), so a retried job that completes keeps nothing it was refunded
 * (the job-level charge is not taken again), and one that fails again refunds nothing twice.
 * The daily quota given back at the failure is not taken again either.
 *
 * Throws 404 JOB_NOT_FOUND, or 409 JOB_NOT_FAILED when the job is not failed (or stopped being so).
 */
export async function retryJob(deps: Deps, jobId: string): Promise<Job> {
  const moved = await deps.store.tx(async (repos) => {
    const job = await repos.jobs.getForUpdate(jobId);
    if (!job) throw notFound('JOB_NOT_FOUND', 'Job not found');
    if (job.status !== 'failed') throw notFailed(job);
    const now = deps.clock.now();
    const run = job.run + 1;
    const reset = await resetUnfinished(repos, job);
    const result = await moveJob(repos, job, 'queued', {
      run, error: null, result: null, finishedAt: null, leaseOwner: null, leaseUntil: null, wait: null, waitDeadline: null, nextPollAt: null,
      trace: [...job.trace, {
        at: now.toISOString(),
        message: `${RETRIED_BY_ADMIN} (run ${run}): ${reset.steps.length ? `steps ${reset.steps.join(', ')} run again` : 'no step to reset'}` +
          `${reset.items ? `, ${reset.items} item(s) pending again` : ''}; no new charge (failed with ${String(job.error?.code ?? 'an error')})`,
      }],
    }, { now, note: RETRIED_BY_ADMIN });
    if (!result) throw notFailed(job);
    return result;
  });
  await afterCommit(deps, moved);
  return moved.job;
}

function notFailed(job: Pick<Job, 'status'>): AppError {
  return new AppError('conflict', 'JOB_NOT_FAILED', `Job is ${job.status}; only a failed job can be retried`);
}

/** Resets what the retried run must do again (see retryJob); returns the steps reset and how many items. */
async function resetUnfinished(repos: Repos, job: Job): Promise<{ steps: string[]; items: number }> {
  const [steps, items, all] = await Promise.all([repos.steps.list(job.id), repos.items.list(job.id), repos.assets.listForJob(job.id)]);
  // The outputs the failure does not deliver are deleted by its purge, which may not have run yet
  // (it runs after the failure's commit): they count as gone either way.
  const assets = deliveredAssets(job, items, all);
  const exists = async (id: string) => {
    if (assets.some((a) => a.id === id)) return true;
    const other = await repos.assets.get(id);
    return other !== null && other.jobId !== job.id;
  };
  const reset: string[] = [];
  for (const step of steps) {
    const fresh = await freshAttempt(step, job.id, assets, exists);
    if (!fresh) continue;
    await repos.steps.upsert(fresh);
    reset.push(step.name);
  }
  let itemsReset = 0;
  for (const item of items) {
    if (item.status === 'done' || item.status === 'pending') continue;
    await repos.items.update(job.id, item.idx, { status: 'pending', output: null, error: null });
    itemsReset++;
  }
  return { steps: reset, items: itemsReset };
}

/**
 * A step's record reset for a first attempt, or null when it stays as it is. A failed step's
 * output is kept (it carries a resumed wait's event, which the next attempt needs); a step still
 * waiting, or done with a deleted output, runs from scratch. A record of status `failed` with 0
 * attempts is the engine's "try again" (engine/scheduler phaseOf: retry; nextAttempt: 1).
 */
async function freshAttempt(
  step: JobStep, jobId: string, assets: readonly Asset[], exists: (assetId: string) => Promise<boolean>,
): Promise<JobStep | null> {
  const again = (output: Json | null): JobStep => ({
    ...step, status: 'failed', attempts: 0, output, error: null, startedAt: null, finishedAt: null, wait: null,
  });
  if (step.status === 'failed') return again(step.output);
  if (isWaiting(step)) return again(null);
  if (step.status === 'done' && (await namesMissingAsset(step.output, jobId, assets, exists))) return again(null);
  return null;
}

/**
 * Whether an output names an asset that is gone: an object key of the job's own outputs
 * (`jobs/<job>/...`, engine/runner saveAsset) none of `assets` (those that stay) holds, or an
 * asset id (`ast_` and 32 hex) that `exists` denies (an upload's asset, of no job, stays).
 */
export async function namesMissingAsset(
  output: Json | null, jobId: string, assets: readonly Pick<Asset, 'storageKey'>[], exists: (assetId: string) => Promise<boolean>,
): Promise<boolean> {
  const keys = new Set(assets.map((a) => a.storageKey));
  const ownKey = `jobs/${jobId}/`;
  const strings: string[] = [];
  const collect = (v: Json | null): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => collect(x as Json));
  };
  collect(output);
  for (const s of strings) {
    if (s.startsWith(ownKey) && !keys.has(s)) return true;
    if (/^ast_[0-9a-f]{32}$/.test(s) && !(await exists(s))) return true;
  }
  return false;
}
