import type { Deps } from '../deps';

/**
 * Deletes uploads nobody will use: pending ones whose PUT URL expired more than
 * uploadPendingGraceSec ago (never verified), and verified ones no job names after
 * uploadUnusedTtlSec. The object goes first, then the row is marked expired, so a later draft
 * naming the URL is told why. Returns how many it deleted (at most `batch` a call).
 */
export async function sweepUnusedUploads(deps: Deps, now = deps.clock.now(), batch = 100): Promise<number> {
  const s = deps.settings;
  const stale = await deps.store.read((r) =>
    r.uploads.findUnused({
      pendingBefore: new Date(now.getTime() - (s.uploadUrlTtlSec + s.uploadPendingGraceSec) * 1000),
      verifiedBefore: new Date(now.getTime() - s.uploadUnusedTtlSec * 1000),
      limit: batch,
    }),
  );
  for (const u of stale) {
    await deps.storage.delete(u.key);
    await deps.store.tx((r) => r.uploads.markExpired(u.key));
  }
  if (stale.length) deps.log.info({ count: stale.length }, 'deleted unused uploads');
  return stale.length;
}
