import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors/app-error';
import { dayWindow, secondsUntilNextDay } from '../../core/quotas/day-window';
import type { Job, JsonObject, Repos } from '../../core/ports/store';
import { chargeJob } from '../credits/ledger';
import type { Deps } from '../deps';
import { enqueueJob } from './enqueue';
import type { QuotaHold } from './quota-hold';
import { admitRunningJob } from './running-limit';

export interface SubmitJobInput {
  userId: string;
  app: string;
  pipeline: string;
  input: JsonObject;
  /** A job-level charge, refunded when the job does not complete. */
  cost?: number;
  /** Items each with its own charge, refunded one by one when an item fails. */
  items?: { input: JsonObject; cost: number }[];
  /** At most this many active (queued, running, waiting) jobs of this app for the user. */
  maxActivePerUser?: number;
  /** At most this many active jobs for one entity (e.g. a gallery's character). */
  entity?: { key: string; maxActive: number };
  /** A daily counter in the quota time zone, e.g. 24 gallery images a day. */
  daily?: { scope: string; units: number; limit: number };
  jobId?: string;
}

export const newJobId = () => `job_${randomUUID().replace(/-/g, '')}`;

/**
 * Admission, charges and the queued job in one transaction: concurrent submissions cannot pass a
 * concurrency limit, a daily limit or the balance together, and a refused one changes nothing.
 */
export async function submitJobTx(repos: Repos, deps: Pick<Deps, 'settings'>, s: SubmitJobInput, now: Date): Promise<Job> {
  // The user's row lock (taken first) serialises this user's count-then-insert; an entity lock the entity's.
  const maxActive = s.maxActivePerUser;
  if (maxActive !== undefined) await admitRunningJob(repos, s.userId, s.app, () => maxActive);
  if (s.entity) {
    await repos.lock(`entity:${s.entity.key}`);
    const active = await repos.jobs.countActive({ entityKey: s.entity.key });
    if (active >= s.entity.maxActive) {
      throw new AppError('rate_limited', 'ENTITY_BUSY', `At most ${s.entity.maxActive} job(s) at once for this item`, { limit: s.entity.maxActive });
    }
  }
  let quotaHold: QuotaHold | null = null;
  if (s.daily) {
    quotaHold = { scope: s.daily.scope, subject: s.userId, window: dayWindow(now, deps.settings.quotaTz), amount: s.daily.units };
    if (!(await repos.counters.incrementIfBelow(quotaHold, s.daily.units, s.daily.limit))) {
      const used = await repos.counters.get(quotaHold);
      throw new AppError('rate_limited', 'DAILY_LIMIT', `Daily limit reached: ${used} of ${s.daily.limit} used today`, { limit: s.daily.limit, used }, secondsUntilNextDay(now, deps.settings.quotaTz));
    }
  }
  const job = await repos.jobs.insert({
    id: s.jobId ?? newJobId(), userId: s.userId, app: s.app, pipeline: s.pipeline, status: 'queued', run: 1,
    input: s.input, entityKey: s.entity?.key ?? null, itemCount: s.items?.length ?? 0,
    state: quotaHold ? { quotaHold: { ...quotaHold } } : {},
    history: [{ status: 'queued', at: now.toISOString() }],
  });
  const itemsCost = (s.items ?? []).reduce((a, i) => a + i.cost, 0);
  if ((s.cost ?? 0) + itemsCost > 0) {
    // One balance check for the whole job, so a short balance gets one clear 402.
    const user = await repos.users.get(s.userId);
    const needed = (s.cost ?? 0) + itemsCost;
    if (!user || user.credits < needed) {
      throw new AppError('payment_required', 'INSUFFICIENT_CREDITS', 'Not enough credits', { needed, balance: user?.credits ?? 0 });
    }
  }
  if (s.cost) await chargeJob(repos, job, s.cost, `${s.app} job`);
  if (s.items?.length) {
    await repos.items.insertMany(s.items.map((it, idx) => ({ jobId: job.id, idx, status: 'pending', cost: it.cost, input: it.input, output: null, error: null })));
    for (const [idx, it] of s.items.entries()) await chargeJob(repos, job, it.cost, `${s.app} item ${idx + 1}`, idx);
  }
  return job;
}

export async function submitJob(deps: Deps, s: SubmitJobInput): Promise<Job> {
  // A job with no limit and no charge is one INSERT: no transaction to open.
  const simple = !s.cost && !s.items?.length && s.maxActivePerUser === undefined && !s.entity && !s.daily;
  const run = (repos: Repos) => submitJobTx(repos, deps, s, deps.clock.now());
  const job = simple ? await deps.store.read(run) : await deps.store.tx(run);
  // No event: nobody can be listening to a job that did not exist; its first event is its claim.
  await enqueueJob(deps, job);
  return job;
}
