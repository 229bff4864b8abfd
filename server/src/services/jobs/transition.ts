import { AppError } from '../../core/errors/app-error';
import { allowedSources, type JobStatus } from '../../core/jobs/job-status';
import type { Job, JobPatch, Repos } from '../../core/ports/store';

/**
 * Moves a job to `to` when the transition table allows it from the job's current status, appending
 * to its history; returns null when the job is no longer in a status that allows it (someone else won).
 */
export async function transition(
  repos: Repos,
  job: Pick<Job, 'id' | 'status' | 'history'>,
  to: JobStatus,
  patch: JobPatch = {},
  note?: string,
  now = new Date(),
): Promise<Job | null> {
  const from = allowedSources(to);
  if (!from.includes(job.status)) return null;
  const history = job.status === to && !note ? job.history : [...job.history, { status: to, at: now.toISOString(), ...(note ? { note } : {}) }];
  return repos.jobs.update(job.id, { ...patch, status: to, history }, [job.status]);
}

/** Like transition, but a lost race is the caller's 409. */
export async function mustTransition(...args: Parameters<typeof transition>): Promise<Job> {
  const updated = await transition(...args);
  const [, job, to] = args;
  if (!updated) throw new AppError('conflict', 'JOB_WRONG_STATE', `Job is ${job.status}; it cannot become ${to}`);
  return updated;
}
