import { AppError } from '../../core/errors/app-error';
import { minuteWindow, secondsUntilNextMinute } from '../../core/quotas/day-window';
import type { Deps } from '../deps';
import { appLimits } from './plan-limits';

/**
 * Takes one request from the user's per-minute allowance named `key` in the app's plan limits
 * (studio's `imagesPerMinute`), or throws 429 RATE_LIMITED with Retry-After to the next minute.
 * Its own transaction, before any admission: a request counts whether or not it is then admitted,
 * as a rate limit counts requests, not work.
 */
export async function takeRateAllowance(deps: Pick<Deps, 'store' | 'clock' | 'settings'>, userId: string, app: string, key: string): Promise<void> {
  const now = deps.clock.now();
  await deps.store.tx(async (repos) => {
    const user = await repos.users.get(userId);
    const limit = appLimits(deps.settings, user?.plan ?? 'free', app)[key];
    if (limit === undefined) throw new Error(`No plan limit ${key} for app ${app}`);
    if (!(await repos.counters.incrementIfBelow({ scope: `${app}.${key}`, subject: userId, window: minuteWindow(now) }, 1, limit))) {
      throw new AppError('rate_limited', 'RATE_LIMITED', `Too many requests: ${limit} a minute on your plan; try again in a minute`, { limit }, secondsUntilNextMinute(now));
    }
  });
}
