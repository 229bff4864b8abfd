/** One state machine for every app; each app maps these to the words its seed uses. */
export const JOB_STATUSES = ['draft', 'queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Statuses no worker, reconciler or user moves a job out of. A failed job leaves only when an
 * admin retries it (failed -> queued, the one edge out of a terminal status).
 */
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
  // An admin's retry (services/jobs/retry-job.ts): the job runs again from its unfinished steps.
  failed: ['queued'],
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

/** The statuses a job may be created in: a draft the user still edits, or work already admitted. */
export const INITIAL_STATUSES = ['draft', 'queued'] as const satisfies readonly JobStatus[];
export type InitialStatus = (typeof INITIAL_STATUSES)[number];

/**
 * The status change one write makes: from any of `from`, through each of `via` in order, to `to`
 * (a statement that claims and completes a job at once goes queued -> running -> completed).
 */
export interface DeclaredTransition {
  readonly from: readonly JobStatus[];
  readonly via: readonly JobStatus[];
  readonly to: JobStatus;
}

/** The hops a declared transition makes from one of its sources, in order. */
export function hopsOf(t: DeclaredTransition, from: JobStatus): [JobStatus, JobStatus][] {
  const path = [from, ...t.via, t.to];
  return path.slice(1).map((to, i) => [path[i]!, to]);
}

/**
 * Declares a write's status change, checked against the table when the module that declares it
 * loads: every hop must be an edge of the table, or this throws (a statement cannot encode a
 * transition the table does not have). `from` defaults to every status the table lets reach `to`.
 */
export function declareTransition(t: { to: JobStatus; from?: readonly JobStatus[]; via?: readonly JobStatus[] }): DeclaredTransition {
  const declared: DeclaredTransition = { from: t.from ?? allowedSources(t.via?.[0] ?? t.to), via: t.via ?? [], to: t.to };
  if (declared.from.length === 0) throw new Error(`No status may become ${t.to}`);
  for (const from of declared.from) {
    for (const [a, b] of hopsOf(declared, from)) {
      if (!canTransition(a, b)) throw new Error(`The transition table has no ${a} -> ${b}`);
    }
  }
  return declared;
}
