import { JOB_STATUSES, type DeclaredTransition, type JobStatus } from '../../core/jobs/job-status';

/** A status as a SQL literal; only the table's own names get here, so nothing needs escaping. */
export function statusLiteral(status: JobStatus): string {
  if (!JOB_STATUSES.includes(status)) throw new Error(`Not a job status: ${String(status)}`);
  return `'${status}'`;
}

/**
 * The WHERE condition of a statement that makes `t`, rendered from its declared sources (checked
 * against the table by declareTransition): `(status = 'queued' or (status = 'running' and ...))`.
 * `when` adds a condition to one source, e.g. a running job only once its lease has expired.
 */
export function statusGuard(t: DeclaredTransition, when: Partial<Record<JobStatus, string>> = {}): string {
  const parts = t.from.map((s) => (when[s] ? `(status = ${statusLiteral(s)} and ${when[s]})` : `status = ${statusLiteral(s)}`));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
}

/**
 * A read's filter on a set of statuses, rendered from the core's constants (ACTIVE_STATUSES...):
 * literal, so the planner can match a partial index declared on the same set.
 */
export function statusIn(statuses: readonly JobStatus[]): string {
  return `status in (${statuses.map(statusLiteral).join(', ')})`;
}

/** The `status = ...` assignment of a statement that makes `t`. */
export function statusSet(t: DeclaredTransition): string {
  return `status = ${statusLiteral(t.to)}`;
}

/**
 * The history entries `t` appends, one per status it passes through, as a jsonb array expression;
 * `at` is the parameter holding the ISO time (text).
 */
export function historyEntries(t: DeclaredTransition, at: string): string {
  const entries = [...t.via, t.to].map((s) => `jsonb_build_object('status', ${statusLiteral(s)}, 'at', ${at}::text)`);
  return `jsonb_build_array(${entries.join(', ')})`;
}
