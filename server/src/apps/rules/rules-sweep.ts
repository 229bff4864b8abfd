import type { Deps } from '../../services/deps';
import { afterCommit, moveJob } from '../../services/jobs/move-job';
import { BatchInput, UPLOAD_URL_TTL_SEC } from './rules-batch';
import { RULES_APP } from './rules-app-name';
import { DRAFT_TTL_SEC } from './rules-options';

/** How far back cancelled drafts are looked at: a sweep missed for longer than this leaves their photos. */
const LOOK_BACK_MS = 7 * 24 * 3600 * 1000;
/** Past an upload URL's expiry, for clocks a little apart. */
const GRACE_MS = 60_000;

/**
 * The rules app's sweep (AppModule.sweep, run by the reconciler about once a minute): a job not
 * executed DRAFT_TTL_SEC after it was made is cancelled (nothing was charged); the photos of a job
 * cancelled before it ran are deleted once every upload URL it was given has expired (a PUT could
 * land until then), and the job is marked `swept`. At most `batch` jobs of each kind a call;
 * returns how many it changed.
 */
export async function sweepRulesDrafts(deps: Deps, now: Date, batch = 100): Promise<number> {
  const { expired, cancelled } = await deps.store.read(async (r) => ({
    expired: await r.jobs.findDrafts({ app: RULES_APP, createdBefore: new Date(now.getTime() - DRAFT_TTL_SEC * 1000), limit: batch }),
    cancelled: await r.jobs.findCancelledDrafts({
      app: RULES_APP, updatedAfter: new Date(now.getTime() - LOOK_BACK_MS), updatedBefore: new Date(now.getTime() - UPLOAD_URL_TTL_SEC * 1000 - GRACE_MS), limit: batch,
    }),
  }));
  for (const seen of expired) {
    const moved = await deps.store.tx(async (r) => {
      const job = await r.jobs.getForUpdate(seen.id);
      if (job?.status !== 'draft') return null;
      return moveJob(r, job, 'cancelled', { finishedAt: now }, { now, note: `expired: not executed within ${DRAFT_TTL_SEC / 3600} h` });
    });
    await afterCommit(deps, moved);
  }
  for (const job of cancelled) {
    const input = BatchInput.safeParse(job.input);
    if (input.success) for (const img of input.data.images) await deps.storage.delete(img.key);
    await deps.store.tx((r) => r.jobs.update(job.id, { state: { ...job.state, swept: true } }, ['cancelled']));
  }
  if (expired.length + cancelled.length) deps.log.info({ expired: expired.length, swept: cancelled.length }, 'rules drafts swept');
  return expired.length + cancelled.length;
}
