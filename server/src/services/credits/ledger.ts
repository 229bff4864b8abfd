import { AppError } from '../../core/errors/app-error';
import type { Job, JobItem, Repos } from '../../core/ports/store';

export function insufficientCredits(needed: number, balance: number): AppError {
  return new AppError('payment_required', 'INSUFFICIENT_CREDITS', 'Not enough credits', { needed, balance });
}

/** Charges a job (or one item of it) inside the caller's transaction; throws 402 when the balance is short. */
export async function chargeJob(
  repos: Repos,
  job: Pick<Job, 'id' | 'userId'>,
  amount: number,
  reason: string,
  itemIndex: number | null = null,
): Promise<void> {
  if (amount <= 0) return;
  const idemKey = itemIndex === null ? `charge:${job.id}` : `charge:${job.id}:${itemIndex}`;
  const r = await repos.ledger.apply({ userId: job.userId, kind: 'charge', amount: -amount, jobId: job.id, itemIndex, idemKey, reason });
  if (r.outcome === 'insufficient') throw insufficientCredits(amount, r.balance);
}

/**
 * Refunds what a job was charged for work not done: the job-level charge unless the job completed,
 * and each item's charge unless that item is done. Each charge is refunded at most once.
 */
export async function refundUnfinished(
  repos: Repos,
  job: Pick<Job, 'id' | 'userId'>,
  opts: { jobCompleted: boolean; items?: JobItem[]; reason: string },
): Promise<number> {
  const entries = await repos.ledger.listForJob(job.id);
  const itemsByIdx = new Map((opts.items ?? (await repos.items.list(job.id))).map((i) => [i.idx, i]));
  let refunded = 0;
  for (const charge of entries.filter((e) => e.kind === 'charge')) {
    const done = charge.itemIndex === null ? opts.jobCompleted : itemsByIdx.get(charge.itemIndex)?.status === 'done';
    if (done) continue;
    const r = await repos.ledger.apply({
      userId: job.userId,
      kind: 'refund',
      amount: -charge.amount,
      jobId: job.id,
      itemIndex: charge.itemIndex,
      idemKey: `refund:${charge.idemKey}`,
      reason: opts.reason,
    });
    if (r.outcome === 'applied') refunded += -charge.amount;
  }
  return refunded;
}

/** Refunds one item's charge (a partial failure), at most once. */
export async function refundItem(repos: Repos, job: Pick<Job, 'id' | 'userId'>, idx: number, reason: string): Promise<void> {
  const entries = await repos.ledger.listForJob(job.id);
  const charge = entries.find((e) => e.kind === 'charge' && e.itemIndex === idx);
  if (!charge) return;
  await repos.ledger.apply({
    userId: job.userId,
    kind: 'refund',
    amount: -charge.amount,
    jobId: job.id,
    itemIndex: idx,
    idemKey: `refund:${charge.idemKey}`,
    reason,
  });
}
