import type { JobEvent } from '../../core/ports/events';
import type { JobEventFacts } from '../../core/ports/store';
import type { Deps } from '../deps';

export const jobChannel = (jobId: string) => `job:${jobId}`;

/**
 * The event of a job's current state (`seq` is its id on the stream); `at` is the time of the write
 * that made it (updated_at, from the store's clock).
 */
export function jobEvent(job: JobEventFacts): JobEvent {
  return { jobId: job.id, seq: job.eventSeq, status: job.status, progress: job.progress, at: job.updatedAt.toISOString() };
}

/**
 * Publishes a job's status after its transaction committed. It does not wait for the bus: events
 * are advisory (a lost one only delays a subscriber, who can read the job), and sent in order.
 */
export async function publishJob(deps: Pick<Deps, 'events' | 'log'>, job: JobEventFacts, extra: Partial<JobEvent> = {}): Promise<void> {
  const event: JobEvent = { ...jobEvent(job), ...extra };
  void deps.events.publish(jobChannel(job.id), event).catch((err: unknown) => {
    deps.log.warn({ err, jobId: job.id }, 'job event not published');
  });
}
