import { invalid, notFound } from '../../core/errors/app-error';
import { CLIPS_PLAN_LIMITS, clipsPrice, type ClipMode } from './clips-options';
import { sanitizeRewrite } from './sanitize-rewrite';
import type { Job, JsonObject } from '../../core/ports/store';
import type { Deps } from '../../services/deps';
import { assertOwner, type Actor } from '../../services/jobs/actor';
import { admitJob } from '../../services/jobs/admission';
import { afterCommit, mustMoveJob, type Moved } from '../../services/jobs/move-job';
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
 * Seed 000 section 3-2, through the engine's one admission (services/jobs/admission.ts): the daily
 * quick quota, the plan's running-jobs limit, the credit charge and the draft's move to queued are
 * one transaction, so concurrent confirms cannot pass a limit together and a refusal charges nothing.
 */
export async function confirmDraft(deps: Deps, actor: Actor, input: ConfirmInput): Promise<{ jobId: string; status: 'queued' }> {
  const now = deps.clock.now();
  // The draft's move to queued, for its after-commit effects (published and enqueued).
  let queued: Moved | null = null;
  await deps.store.tx(async (repos) => {
    // Checked before admission, so a wrong draft is told so rather than a limit; again under its lock below.
    const seen = await repos.jobs.get(input.draftJobId);
    const draft = checkDraft(seen, actor);
    // Price what is done: the rewrite costs its credit only when there is text to rewrite.
    const sanitized = input.rewriteEnabled ? sanitizeRewrite(input.rewriteRawText) : null;
    const rewrite = sanitized?.sanitizedText ? { ...sanitized, distanceMode: input.distanceMode, desiredEnding: input.desiredEnding } : null;
    const cost = clipsPrice(input.mode, rewrite !== null);
    const admission = {
      userId: draft.userId, app: CLIPS_APP, jobId: draft.id, cost, reason: `clips ${input.mode}${rewrite ? ' + rewrite' : ''}`,
      daily: input.mode === 'quick' ? { key: 'quickPerDay' satisfies keyof typeof CLIPS_PLAN_LIMITS.free, units: 1, message: (perDay: number) => `Daily free limit reached (${perDay} Quick/day)` } : undefined,
    };
    return admitJob(repos, deps, admission, now, async ({ quotaHold }) => {
      // The user's row is locked first (admission), then the draft's: a concurrent confirm of it waits here.
      const locked = checkDraft(await repos.jobs.getForUpdate(draft.id), actor);
      const confirmed: JsonObject = {
        ...locked.input,
        mode: input.mode,
        stage: input.stage,
        genre: input.genre,
        sliders: input.sliders,
        rewriteEnabled: rewrite !== null,
        // Only the sanitised text is kept: the raw text may carry personal data.
        rewrite: rewrite
          ? { sanitizedText: rewrite.sanitizedText, removed: rewrite.removed, truncated: rewrite.truncated, distanceMode: rewrite.distanceMode, desiredEnding: rewrite.desiredEnding }
          : null,
        cost,
      };
      queued = await mustMoveJob(repos, locked, 'queued', {
        pipeline: clipsPipelineFor(input.mode),
        run: locked.run + 1,
        input: confirmed,
        state: { ...locked.state, ...(quotaHold ? { quotaHold: { ...quotaHold } } : {}) },
      }, { now });
      return queued.job;
    });
  });
  await afterCommit(deps, queued);
  return { jobId: input.draftJobId, status: 'queued' };
}

/** The caller's draft of clips with photos in it, or the error saying which it is not. */
function checkDraft(draft: Job | null, actor: Actor): Job {
  if (!draft || draft.app !== CLIPS_APP) throw notFound('DRAFT_NOT_FOUND', 'Draft not found');
  assertOwner(draft, actor);
  if (draft.status !== 'draft') throw invalid('NOT_A_DRAFT', 'Not a draft');
  const photos = (draft.input as { photos?: unknown[] }).photos ?? [];
  if (photos.length === 0) throw invalid('NO_PHOTOS', 'No photos in draft');
  return draft;
}
