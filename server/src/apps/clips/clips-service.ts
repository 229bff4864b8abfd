import { AppError, invalid, notFound } from '../../core/errors/app-error';
import { clipsPrice, type ClipMode } from './clips-options';
import { sanitizeRewrite } from './sanitize-rewrite';
import { dayWindow, secondsUntilNextDay } from '../../core/quotas/day-window';
import type { JsonObject } from '../../core/ports/store';
import { chargeJob } from '../../services/credits/ledger';
import type { Deps } from '../../services/deps';
import { assertOwner, type Actor } from '../../services/jobs/actor';
import { enqueueJob } from '../../services/jobs/enqueue';
import { publishJob } from '../../services/jobs/job-events';
import { admitRunningJob } from '../../services/jobs/running-limit';
import { appLimits } from '../../services/identity/plan-limits';
import type { QuotaHold } from '../../services/jobs/quota-hold';
import { mustTransition } from '../../services/jobs/transition';
import { verifyOwnUpload } from '../../services/uploads/uploads-service';
import { newJobId } from '../../services/jobs/submit-job';

export const CLIPS_APP = 'clips';
export const clipsPipelineFor = (mode: ClipMode) => (mode === 'trailer' ? 'clips.trailer' : 'clips.clips');

/** Seed 000 section 3-1: verified photos of the caller become a draft job. */
export async function createDraft(deps: Deps, userId: string, photoUrls: string[]): Promise<{ draftJobId: string }> {
  const photos: JsonObject[] = [];
  for (const url of photoUrls) {
    const upload = await verifyOwnUpload(deps, userId, url);
    photos.push({ url, key: upload.key, mime: upload.mime, width: upload.width, height: upload.height, sha256: upload.sha256 });
  }
  const job = await deps.store.tx((r) =>
    r.jobs.insert({
      id: newJobId(), userId, app: CLIPS_APP, pipeline: 'clips.clips', status: 'draft',
      input: { photos }, entityKey: null,
      history: [{ status: 'draft', at: deps.clock.now().toISOString() }],
    }),
  );
  return { draftJobId: job.id };
}

export interface ConfirmInput {
  draftJobId: string;
  mode: ClipMode;
  stage: string;
  genre: string;
  sliders: { realism: number; intensity: number; pace: number };
  rewriteEnabled: boolean;
  rewriteRawText: string;
  distanceMode: string;
  desiredEnding: string;
}

/**
 * Seed 000 section 3-2. The daily quick quota, the credit charge and the status change are one
 * transaction: concurrent confirms cannot pass a limit together, and a failure charges nothing.
 */
export async function confirmDraft(deps: Deps, actor: Actor, input: ConfirmInput): Promise<{ jobId: string; status: 'queued' }> {
  const now = deps.clock.now();
  const job = await deps.store.tx(async (repos) => {
    const draft = await repos.jobs.getForUpdate(input.draftJobId);
    if (!draft || draft.app !== CLIPS_APP) throw notFound('DRAFT_NOT_FOUND', 'Draft not found');
    assertOwner(draft, actor);
    if (draft.status !== 'draft') throw invalid('NOT_A_DRAFT', 'Not a draft');
    const photos = (draft.input as { photos?: unknown[] }).photos ?? [];
    if (photos.length === 0) throw invalid('NO_PHOTOS', 'No photos in draft');

    const plan = (await repos.users.getForUpdate(draft.userId))?.plan ?? 'free';
    let quotaHold: QuotaHold | null = null;
    if (input.mode === 'quick') {
      const perDay = appLimits(deps.settings, plan, CLIPS_APP).quickPerDay ?? 0;
      quotaHold = { scope: 'clips.quick', subject: draft.userId, window: dayWindow(now, deps.settings.quotaTz), amount: 1 };
      const ok = await repos.counters.incrementIfBelow(quotaHold, 1, perDay);
      if (!ok) {
        throw new AppError('rate_limited', 'DAILY_LIMIT', `Daily free limit reached (${perDay} Quick/day)`, {}, secondsUntilNextDay(now, deps.settings.quotaTz));
      }
    }
    await admitRunningJob(repos, draft.userId, CLIPS_APP, (p) => appLimits(deps.settings, p, CLIPS_APP).runningJobs);
    // Price what is done: the rewrite costs its credit only when there is text to rewrite.
    const sanitized = input.rewriteEnabled ? sanitizeRewrite(input.rewriteRawText) : null;
    const rewrite = sanitized?.sanitizedText ? { ...sanitized, distanceMode: input.distanceMode, desiredEnding: input.desiredEnding } : null;
    const needed = clipsPrice(input.mode, rewrite !== null);
    await chargeJob(repos, draft, needed, `clips ${input.mode}${rewrite ? ' + rewrite' : ''}`);

    const confirmed: JsonObject = {
      ...draft.input,
      mode: input.mode,
      stage: input.stage,
      genre: input.genre,
      sliders: input.sliders,
      rewriteEnabled: rewrite !== null,
      // Only the sanitised text is kept: the raw text may carry personal data.
      rewrite: rewrite
        ? { sanitizedText: rewrite.sanitizedText, removed: rewrite.removed, truncated: rewrite.truncated, distanceMode: rewrite.distanceMode, desiredEnding: rewrite.desiredEnding }
        : null,
      cost: needed,
    };
    return mustTransition(repos, draft, 'queued', {
      pipeline: clipsPipelineFor(input.mode),
      run: draft.run + 1,
      input: confirmed,
      state: { ...draft.state, ...(quotaHold ? { quotaHold: { ...quotaHold } } : {}) },
    }, undefined, now);
  });
  await publishJob(deps, job);
  await enqueueJob(deps, job);
  return { jobId: job.id, status: 'queued' };
}
