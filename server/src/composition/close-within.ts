import type { Logger } from '../services/deps';

/**
 * Waits for `closing` at most `ms` milliseconds, so one dependency that never answers (a Redis or
 * PostgreSQL that went away) cannot hold a stopping process forever. A failure or a timeout is
 * logged as a warning and swallowed: shutdown goes on with the next resource.
 */
export async function closeWithin(what: string, ms: number, closing: () => Promise<unknown>, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    // Referenced: a close that never settles must reach the warning and the next resource, not end
    // the process silently when nothing else is pending. Cleared as soon as the close settles.
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    const outcome = await Promise.race([closing().then(() => 'closed' as const), timeout]);
    if (outcome === 'timeout') log.warn({ what, ms }, `closing ${what} took longer than ${ms} ms; going on without it`);
  } catch (err) {
    log.warn({ err, what }, `closing ${what} failed`);
  } finally {
    clearTimeout(timer);
  }
}
