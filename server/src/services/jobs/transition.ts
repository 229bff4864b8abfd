import { canTransition, type JobStatus } from '../../core/jobs/job-status';
import type { Job, JobPatch, Repos } from '../../core/ports/store';

/**
 * Moves a job to `to` when the transition table allows it from the job's current status, appending
 * to its history at `now` (the deps clock's); returns null when the table forbids it or the job is
 * no longer in the status it was read in (someone else won).
 */
export async function transition(
  repos: Repos,
  job: Pick<Job, 'id' | 'status' | 'history'>,
  to: JobStatus,
  patch: JobPatch = {},
  note: string | undefined,
  now: Date,
): Promise<Job | null> {
  if (!canTransition(job.status, to)) return null;
  const history = job.status === to && !note ? job.history : [...job.history, { status: to, at: now.toISOString(), ...(note ? { note } : {}) }];
  return repos.jobs.transition(job.id, { from: job.status, to }, { ...patch, history }, now);
}
