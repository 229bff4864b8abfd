import { createHash } from 'node:crypto';
import { AppError, invalid, notFound } from '../../core/errors/app-error';
import { MediaLimitError, PdfRejectedError, type PdfRejection } from '../../core/ports/media';
import { priceOf } from '../../services/credits/prices';
import type { Deps } from '../../services/deps';
import type { Actor } from '../../services/jobs/actor';
import type { CachedJobDetail, JobDetailCache } from '../../services/jobs/job-detail-cache';
import { newJobId, submitJob } from '../../services/jobs/submit-job';
import { resumeWait } from '../../services/jobs/waits';
import { moderate } from '../../services/moderation/moderate-prompt';
import type { PlanJobInput } from './mv-input';
import { LENGTHS, MAX_PDF_BYTES, MAX_PDF_PAGES, MV_APP } from './mv-options';
import { analyzeGuidelines } from '../../core/text/guidelines/analyze-guidelines';
import { pagesFrom, PLAN_PIPELINE, PLAN_STEPS } from './mv-pipeline';
import { checkDecision, type HitlDecision } from './mv-review';
import { RENDER_PIPELINE, type RenderJobInput } from './mv-render';
import { characterState, doneOutput, isWaitingForReview, statusOf } from './mv-views';

/** The request's fields (seed 002 section 1), checked by the route's schema. */
export type PlanFields = Omit<PlanJobInput, 'pdf' | 'seed'>;

export interface UploadedPdf {
  bytes: Buffer;
  filename: string;
}

const PDF_CODES: Record<PdfRejection, string> = {
  not_pdf: 'NOT_A_PDF',
  encrypted: 'PDF_ENCRYPTED',
  too_many_pages: 'PDF_TOO_MANY_PAGES',
  no_text: 'PDF_NO_TEXT',
  unreadable: 'PDF_UNREADABLE',
};

/**
 * The PDF's text per page, read in a media worker (bounded in memory and time), or 400 saying
 * what is wrong: PDF_TOO_LARGE (over 20 MB), NOT_A_PDF (magic bytes), PDF_ENCRYPTED,
 * PDF_TOO_MANY_PAGES (over 100), PDF_NO_TEXT (a scan without a text layer), PDF_UNREADABLE.
 */
export async function readUploadedPdf(deps: Pick<Deps, 'media'>, pdf: UploadedPdf): Promise<string[]> {
  if (pdf.bytes.length > MAX_PDF_BYTES) {
    throw invalid('PDF_TOO_LARGE', `file: the PDF is ${(pdf.bytes.length / 1024 / 1024).toFixed(1)} MB; at most ${MAX_PDF_BYTES / 1024 / 1024} MB is accepted`);
  }
  try {
    return (await deps.media.readPdf(pdf.bytes, { maxPages: MAX_PDF_PAGES })).pages;
  } catch (err) {
    if (err instanceof PdfRejectedError) throw invalid(PDF_CODES[err.reason], `file: ${err.message}`);
    if (err instanceof MediaLimitError) throw invalid('PDF_UNREADABLE', 'file: reading the PDF went past its memory or time limit; upload a simpler PDF or paste the text');
    throw err;
  }
}

/**
 * Seed 002 `POST /jobs` and `POST /jobs/upload`: a plan job, admitted (plans a day, plans at
 * once) and charged (the plan, and the character image as an item refunded alone) in one
 * transaction. Free text the user adds is moderated first. A PDF's pages are stored beside the job.
 */
export async function submitPlan(deps: Deps, actor: Actor, fields: PlanFields, pdf?: UploadedPdf): Promise<{ jobId: string }> {
  if (!fields.guidelines.trim() && !pdf) throw invalid('GUIDELINES_REQUIRED', 'guidelines: send the safety guidelines as text, or upload them as a PDF (POST /mv/jobs/upload)');
  await moderate(deps, fields.additionalRequirements || undefined);
  const pages = pdf ? await readUploadedPdf(deps, pdf) : null;
  // The same analysis INIT runs: a text with nothing to teach is refused before it is charged.
  if (analyzeGuidelines(pagesFrom(fields.guidelines, pages), { maxKeywords: 1, maxKeyPoints: 1 }).keywords.length === 0) {
    throw invalid('NO_GUIDELINES_FOUND', `${pdf ? 'file' : 'guidelines'}: found no safety guidelines in the text (no words a rule is made of); send the guidelines as sentences, e.g. "작업 전 보호구를 착용한다."`);
  }
  const jobId = newJobId();
  const input: PlanJobInput = { ...fields, seed: seedOf(fields, pages) };
  if (pages && pdf) {
    const pagesKey = `jobs/${jobId}/source-pages.json`;
    await deps.storage.put(pagesKey, Buffer.from(JSON.stringify(pages), 'utf8'), 'application/json');
    input.pdf = { pagesKey, pages: pages.length, filename: pdf.filename };
  }
  try {
    await submitJob(deps, {
      jobId, userId: actor.userId, app: MV_APP, pipeline: PLAN_PIPELINE, input: { ...input },
      cost: priceOf(deps.settings, MV_APP, 'plan'),
      items: [{ input: { kind: 'character' }, cost: priceOf(deps.settings, MV_APP, 'character') }],
      daily: { key: 'plansPerDay', units: 1, message: (limit, used) => `You have made ${used} of your ${limit} plans today; try again tomorrow` },
    });
  } catch (err) {
    if (input.pdf) await deps.storage.delete(input.pdf.pagesKey).catch(() => {});
    throw err;
  }
  return { jobId };
}

/**
 * The plan's seed, from what was asked: the same guidelines and options plan the same drafts and
 * character on the same providers (a model at a temperature above 0 still varies). 0..2^31-2.
 */
function seedOf(fields: PlanFields, pages: string[] | null): number {
  const digest = createHash('sha256').update(JSON.stringify([fields, pages])).digest();
  return digest.readUInt32BE(0) % (2 ** 31 - 1);
}

export const jobNotFound = (jobId: string) => notFound('JOB_NOT_FOUND', `No plan job ${jobId}`);

/** The caller's plan job (an admin's: anyone's); another user's is not found, as a missing one. */
export async function ownPlan(jobs: JobDetailCache, actor: Actor, jobId: string): Promise<CachedJobDetail> {
  const detail = await jobs.get(jobId);
  if (!detail || detail.job.pipeline !== PLAN_PIPELINE || (detail.job.userId !== actor.userId && !actor.isAdmin)) throw jobNotFound(jobId);
  return detail;
}

/**
 * Seed 002 section 4: the review of a job that waits for one (else 409 JOB_NOT_IN_REVIEW). The
 * decision is checked (checkDecision) and resumes the job at LOCK_BLUEPRINT_CORE.
 */
export async function submitReview(deps: Deps, jobs: JobDetailCache, actor: Actor, jobId: string, decision: HitlDecision): Promise<void> {
  const detail = await ownPlan(jobs, actor, jobId);
  if (!isWaitingForReview(detail)) throw notInReview(jobId);
  const { concepts } = doneOutput(detail, PLAN_STEPS.conceptGen)!;
  checkDecision(decision, concepts.map((c) => c.concept_id), LENGTHS[(detail.job.input as PlanJobInput).length]);
  const { resumed } = await resumeWait(deps, jobId, { step: PLAN_STEPS.hitl.name }, { ...decision });
  // Another review (or the wait's deadline) got there first.
  if (!resumed) throw notInReview(jobId);
}

const notInReview = (jobId: string) =>
  new AppError('conflict', 'JOB_NOT_IN_REVIEW', `Job ${jobId} is not waiting for a review (its status is not hitl_required); GET /mv/jobs/${jobId} shows where it is`);

/** The entity a plan's renders are admitted under: one at a time per plan. */
export const renderEntityOf = (planJobId: string) => `${MV_APP}.render:${planJobId}`;

/**
 * `POST /mv/jobs/{id}/render` (beyond the seed): the completed plan's clips, music and lyrics
 * rendered into the music video, charged per clip and for the music, refunded if it fails.
 * 409 PLAN_NOT_READY before the plan is completed, CHARACTER_NOT_READY until its character image
 * is (CHARACTER_FAILED when it failed: plan again), ENTITY_BUSY while a render of it runs.
 */
export async function startRender(deps: Deps, jobs: JobDetailCache, actor: Actor, planJobId: string): Promise<{ renderJobId: string }> {
  const detail = await ownPlan(jobs, actor, planJobId);
  const status = statusOf(detail);
  if (status !== 'completed') throw new AppError('conflict', 'PLAN_NOT_READY', `The plan is ${status}; it can be rendered once it is completed`);
  const character = characterState(detail);
  if (character.status === 'failed') throw new AppError('conflict', 'CHARACTER_FAILED', 'The plan\'s character image failed; make a new plan to render');
  if (!character.asset) throw new AppError('conflict', 'CHARACTER_NOT_READY', 'The character image is still being made; render once GET .../character says ready');
  // A completed plan has every step up to STYLE_BIND done.
  const blueprint = doneOutput(detail, PLAN_STEPS.lock)!;
  const { media_plan: plan } = doneOutput(detail, PLAN_STEPS.styleBind)!;
  const { artifacts } = doneOutput(detail, PLAN_STEPS.conceptGen)!;
  const input: RenderJobInput = {
    planJobId, characterKey: character.asset.storageKey,
    clips: plan.video_jobs.map((v) => ({ scene_id: v.scene_id, part: v.part, start: v.start, end: v.end, duration_seconds: v.duration_seconds, prompt: v.prompt })),
    music: { prompt: plan.music_job.prompt, duration_seconds: plan.music_job.duration_seconds },
    subtitles: blueprint.lyric_timeline, language: artifacts.language, seed: (detail.job.input as PlanJobInput).seed,
  };
  const cost = input.clips.length * priceOf(deps.settings, MV_APP, 'clip') + priceOf(deps.settings, MV_APP, 'music');
  const job = await submitJob(deps, {
    userId: detail.job.userId, app: MV_APP, pipeline: RENDER_PIPELINE, input: { ...input }, cost,
    entity: { key: renderEntityOf(planJobId), maxActive: 1, message: () => 'This plan is already being rendered; wait for it to finish' },
  });
  return { renderJobId: job.id };
}

/** The newest render of a plan, or null. */
export async function latestRender(deps: Deps, jobs: JobDetailCache, plan: CachedJobDetail): Promise<CachedJobDetail | null> {
  const [job] = await deps.store.read((r) => r.jobs.list({
    userId: plan.job.userId, app: MV_APP, pipelines: [RENDER_PIPELINE], entityKey: renderEntityOf(plan.job.id), limit: 1,
  }));
  return job ? jobs.get(job.id) : null;
}
