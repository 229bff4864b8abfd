import type { Job, Repos } from '../../core/ports/store';

/** A daily-quota unit a job holds, recorded in its state so a failure can give it back once. */
export interface QuotaHold {
  scope: string;
  subject: string;
  window: string;
  amount: number;
}

export function quotaHoldOf(job: Pick<Job, 'state'>): QuotaHold | null {
  const hold = (job.state as { quotaHold?: QuotaHold }).quotaHold;
  return hold ?? null;
}

/** Gives back a failed or cancelled job's quota; runs in the transaction of that (once-only) transition. */
export async function releaseQuota(repos: Repos, job: Pick<Job, 'state'>): Promise<void> {
  const hold = quotaHoldOf(job);
  if (hold) await repos.counters.decrement(hold, hold.amount);
}
