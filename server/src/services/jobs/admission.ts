import { AppError } from '../../core/errors/app-error';
import { dayWindow, secondsUntilNextDay } from '../../core/quotas/day-window';
import type { Job, Plan, Repos } from '../../core/ports/store';
import { chargeJob, insufficientCredits } from '../credits/ledger';
import type { Deps } from '../deps';
import { appLimits } from '../identity/plan-limits';
import type { QuotaHold } from './quota-hold';

/** Seconds a client is told to wait before it tries again; a running job may end at any time. */
const RUNNING_RETRY_AFTER_SEC = 10;

/** What a job asks of its user's plan and balance before it may be queued. */
export interface AdmissionRequest {
  userId: string;
  /** The app whose plan limits apply; its `runningJobs` limit always does. */
  app: string;
  /** The job's id, which its charges are booked against (the job may not exist yet). */
  jobId: string;
  /** A job-level charge, refunded when the job does not complete. */
  cost?: number;
  /** The ledger reason of the job-level charge; `<app> job` by default. */
  reason?: string;
  /** Items each with its own charge (booked by index), refunded one by one when an item fails. */
  items?: readonly { cost: number }[];
  /**
   * A daily count, in the quota time zone, against the app's plan limit named `key` (clips'
   * `quickPerDay`); `units` of it are held by the job and given back if it delivers nothing.
   * `message` words the refusal (seed 000 clips: 'Daily free limit reached (1 Quick/day)').
   */
  daily?: { key: string; units: number; message?: (limit: number, used: number) => string };
  /** At most this many active jobs for one entity (a gallery's character); `message` words the refusal. */
  entity?: { key: string; maxActive: number; message?: (limit: number) => string };
}

/** What an admitted job carries into its row: the plan it was admitted under and its daily hold. */
export interface Admitted {
  plan: Plan;
  quotaHold: QuotaHold | null;
}

/**
 * The one way work is admitted, for every app: in the caller's transaction, in this order,
 * 1. the user's row lock (serialises this user's count-then-queue, so concurrent admissions cannot
 *    pass a limit together),
 * 2. the daily limit (429 DAILY_LIMIT with Retry-After to the next day),
 * 3. the plan's running-jobs limit of the app (429 CONCURRENCY_LIMIT),
 * 4. the entity's limit (409 ENTITY_BUSY),
 * 5. one balance check for everything charged (402 INSUFFICIENT_CREDITS),
 * then `place` queues the job (an insert, or a draft's transition) and the charges are booked.
 * A refusal throws, and the caller's transaction rolls everything back. Limits come from the plan
 * table (services/identity/plan-limits.ts), which each app fills from its AppModule.
 */
export async function admitJob(
  repos: Repos,
  deps: Pick<Deps, 'settings'>,
  req: AdmissionRequest,
  now: Date,
  place: (admitted: Admitted) => Promise<Job>,
): Promise<Job> {
  const user = await repos.users.getForUpdate(req.userId);
  const plan: Plan = user?.plan ?? 'free';
  const limits = appLimits(deps.settings, plan, req.app);

  let quotaHold: QuotaHold | null = null;
  if (req.daily) {
    const limit = limits[req.daily.key];
    if (limit === undefined) throw new Error(`No ${plan} plan limit ${req.daily.key} for app ${req.app}`);
    quotaHold = { scope: `${req.app}.${req.daily.key}`, subject: req.userId, window: dayWindow(now, deps.settings.quotaTz), amount: req.daily.units };
    if (!(await repos.counters.incrementIfBelow(quotaHold, req.daily.units, limit))) {
      const used = await repos.counters.get(quotaHold);
      const message = req.daily.message?.(limit, used) ?? `Daily limit reached: ${used} of ${limit} used today`;
      throw new AppError('rate_limited', 'DAILY_LIMIT', message, { limit, used }, secondsUntilNextDay(now, deps.settings.quotaTz));
    }
  }

  if ((await repos.jobs.countActive({ userId: req.userId, app: req.app })) >= limits.runningJobs) {
    const limit = limits.runningJobs;
    throw new AppError('rate_limited', 'CONCURRENCY_LIMIT', `Too many running jobs (${limit} at a time on the ${plan} plan)`, { limit }, RUNNING_RETRY_AFTER_SEC);
  }

  if (req.entity) {
    await repos.lock(`entity:${req.entity.key}`);
    if ((await repos.jobs.countActive({ entityKey: req.entity.key })) >= req.entity.maxActive) {
      const limit = req.entity.maxActive;
      // A conflict, not a rate: waiting does not help until that job ends.
      throw new AppError('conflict', 'ENTITY_BUSY', req.entity.message?.(limit) ?? `At most ${limit} job(s) at once for this item`, { limit });
    }
  }

  // One balance check for the whole job, so a short balance gets one clear 402 naming the total.
  const needed = (req.cost ?? 0) + (req.items ?? []).reduce((a, i) => a + i.cost, 0);
  if (needed > 0 && (user?.credits ?? 0) < needed) throw insufficientCredits(needed, user?.credits ?? 0);

  const job = await place({ plan, quotaHold });
  if (req.cost) await chargeJob(repos, job, req.cost, req.reason ?? `${req.app} job`);
  for (const [idx, item] of (req.items ?? []).entries()) await chargeJob(repos, job, item.cost, `${req.app} item ${idx + 1}`, idx);
  return job;
}
