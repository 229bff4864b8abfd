import { AppError } from '../../core/errors/app-error';
import type { Plan, Repos } from '../../core/ports/store';

/** Seconds a client is told to wait before it tries again; a running job may end at any time. */
const RETRY_AFTER_SEC = 10;

/**
 * Admits one more active (queued, running, waiting) job of `app` for the user, or throws 429
 * CONCURRENCY_LIMIT with Retry-After. In the caller's transaction: the user's row lock serialises
 * this user's count-then-queue, so concurrent submissions cannot pass the limit together.
 * `limitFor` maps the user's plan to the limit (the plan table, or a fixed number). Returns the plan.
 */
export async function admitRunningJob(repos: Repos, userId: string, app: string, limitFor: (plan: Plan) => number): Promise<Plan> {
  const plan = (await repos.users.getForUpdate(userId))?.plan ?? 'free';
  const limit = limitFor(plan);
  if ((await repos.jobs.countActive({ userId, app })) >= limit) {
    throw new AppError('rate_limited', 'CONCURRENCY_LIMIT', `Too many running jobs (${limit} at a time on the ${plan} plan)`, { limit }, RETRY_AFTER_SEC);
  }
  return plan;
}
