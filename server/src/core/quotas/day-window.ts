/** The calendar day of `at` in `timeZone`, as YYYY-MM-DD: the window of a daily quota. */
export function dayWindow(at: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Seconds until the day window of `at` ends in `timeZone` (for Retry-After). */
export function secondsUntilNextDay(at: Date, timeZone: string): number {
  const today = dayWindow(at, timeZone);
  // Step forward an hour at a time (DST-safe), then a minute at a time, until the day changes.
  let t = at.getTime();
  while (dayWindow(new Date(t + 3_600_000), timeZone) === today) t += 3_600_000;
  while (dayWindow(new Date(t + 60_000), timeZone) === today) t += 60_000;
  return Math.max(1, Math.ceil((t + 60_000 - at.getTime()) / 1000));
}

/** The hour window (UTC) of `at`, as YYYY-MM-DDTHH: the window of hourly rate limits. */
export function hourWindow(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** Seconds until the hour window of `at` ends (for Retry-After of hourly limits). */
export function secondsUntilNextHour(at: Date): number {
  return 3600 - Math.floor((at.getTime() % 3_600_000) / 1000);
}

/** The minute window (UTC) of `at`, as YYYY-MM-DDTHH:MM: the window of per-minute rate limits. */
export function minuteWindow(at: Date): string {
  return at.toISOString().slice(0, 16);
}

/** Seconds until the minute window of `at` ends (for Retry-After of per-minute limits), 1 to 60. */
export function secondsUntilNextMinute(at: Date): number {
  return 60 - Math.floor((at.getTime() % 60_000) / 1000);
}
