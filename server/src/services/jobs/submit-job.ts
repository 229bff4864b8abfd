import { randomUUID } from 'node:crypto';
import type { Job, JsonObject, Repos } from '../../core/ports/store';
import type { Deps } from '../deps';
import { admitJob, type AdmissionRequest } from './admission';
import { enqueueJob } from './enqueue';

export interface SubmitJobInput {
  userId: string;
  /** The app the job is of: its plan limits apply (`runningJobs` always). */
  app: string;
  pipeline: string;
  input: JsonObject;
  /** A job-level charge, refunded when the job does not complete. */
  cost?: number;
  /** Items each with its own charge, refunded one by one when an item fails. */
  items?: { input: JsonObject; cost: number }[];
  /** At most this many active jobs for one entity (e.g. a gallery's character). */
  entity?: AdmissionRequest['entity'];
  /** A daily count against the app's plan limit named `key`, e.g. `{ key: 'imagesPerDay', units: 8 }`. */
  daily?: AdmissionRequest['daily'];
  jobId?: string;
}

export const newJobId = () => `job_${randomUUID().replace(/-/g, '')}`;

/**
 * A new queued job through the one admission (admission.ts), its items and charges, in the caller's
 * transaction: a refused one changes nothing.
 */
export async function submitJobTx(repos: Repos, deps: Pick<Deps, 'settings'>, s: SubmitJobInput, now: Date): Promise<Job> {
  const jobId = s.jobId ?? newJobId();
  return admitJob(repos, deps, { userId: s.userId, app: s.app, jobId, cost: s.cost, items: s.items, daily: s.daily, entity: s.entity }, now, async ({ quotaHold }) => {
    const job = await repos.jobs.insert({
      id: jobId, userId: s.userId, app: s.app, pipeline: s.pipeline, status: 'queued', run: 1,
      input: s.input, entityKey: s.entity?.key ?? null, itemCount: s.items?.length ?? 0,
      state: quotaHold ? { quotaHold: { ...quotaHold } } : {},
      history: [{ status: 'queued', at: now.toISOString() }],
    });
    if (s.items?.length) {
      await repos.items.insertMany(s.items.map((it, idx) => ({ jobId: job.id, idx, status: 'pending', cost: it.cost, input: it.input, output: null, error: null })));
    }
    return job;
  });
}

export async function submitJob(deps: Deps, s: SubmitJobInput): Promise<Job> {
  // Always a transaction: every job is admitted against its plan's running-jobs limit.
  const job = await deps.store.tx((repos) => submitJobTx(repos, deps, s, deps.clock.now()));
  // No event: nobody can be listening to a job that did not exist; its first event is its claim.
  await enqueueJob(deps, job);
  return job;
}
