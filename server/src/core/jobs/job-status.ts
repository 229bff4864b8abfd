/** One state machine for every app; each app maps these to the words its seed uses. */
export const JOB_STATUSES = ['draft', 'queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
/** Statuses that hold a concurrency slot. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ['queued', 'running', 'waiting'];

/** The transition table: from -> allowed targets. */
const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  draft: ['queued', 'cancelled'],
  queued: ['running', 'cancelled', 'failed'],
  running: ['running', 'waiting', 'queued', 'completed', 'failed', 'cancelled'],
  waiting: ['queued', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function allowedSources(to: JobStatus): JobStatus[] {
  return JOB_STATUSES.filter((from) => TRANSITIONS[from].includes(to));
}
