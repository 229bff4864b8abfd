import { dayWindow, hourWindow, minuteWindow } from '../../core/quotas/day-window';
import type { Deps } from '../deps';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Day windows are cut in QUOTA_TZ (up to 14 h from UTC) and a job's daily hold is given back when it ends: kept 3 days. */
const DAY_KEPT_MS = 3 * 24 * HOUR_MS;

/**
 * Deletes the counters of rate limits and quotas whose window has ended (a per-minute limit writes
 * a row per user and minute): minute windows after 2 minutes, hour windows after 2 hours, day
 * windows after 3 days. Returns how many it deleted.
 */
export async function sweepEndedCounters(deps: Pick<Deps, 'store' | 'log'>, now: Date): Promise<number> {
  const at = (ms: number) => new Date(now.getTime() - ms);
  const deleted = await deps.store.tx((r) =>
    r.counters.pruneBefore({ minute: minuteWindow(at(2 * MINUTE_MS)), hour: hourWindow(at(2 * HOUR_MS)), day: dayWindow(at(DAY_KEPT_MS), 'UTC') }),
  );
  if (deleted) deps.log.info({ count: deleted }, 'deleted ended rate-limit counters');
  return deleted;
}
