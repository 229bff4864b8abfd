import { notFound } from '../../core/errors/app-error';
import type { JobStep } from '../../core/ports/store';
import type { CachedJobDetail } from '../../services/jobs/job-detail-cache';
import type { PlanJobInput } from './mv-input';
import type { RenderJobInput } from './mv-render';
import { LENGTHS, MV_STATES, type MvState } from './mv-options';
import { CHARACTER_ITEM, PLAN_STEPS } from './mv-pipeline';

/** Seed 002's job statuses. */
export type MvStatus = 'running' | 'hitl_required' | 'completed' | 'failed';

/** Progress once each state is done (seed 002 section 3: 0.8 while a review waits, 1.0 completed). */
const PROGRESS: Record<MvState, number> = { INIT: 0.1, CONCEPT_GEN: 0.5, QA: 0.7, HITL: 0.8, LOCK_BLUEPRINT_CORE: 0.9, STYLE_BIND: 1 };

const stepOf = (detail: CachedJobDetail, name: string): JobStep | undefined => detail.steps.find((s) => s.name === name);
const isDone = (detail: CachedJobDetail, name: string) => stepOf(detail, name)?.status === 'done';

/** Whether the job waits for a person's review: its HITL step holds a wait. */
export function isWaitingForReview(detail: CachedJobDetail): boolean {
  const step = stepOf(detail, PLAN_STEPS.hitl.name);
  return detail.job.status === 'waiting' && step?.status === 'waiting' && !!step.wait;
}

/** The recorded output of a plan step once it is done, parsed by the step's schema; null before. */
export function doneOutput<T>(detail: CachedJobDetail, def: { name: string; output: { parse(v: unknown): T } }): T | null {
  const step = stepOf(detail, def.name);
  return step?.status === 'done' ? def.output.parse(step.output) : null;
}

/** The plan's status in the seed's words. */
export function statusOf(detail: CachedJobDetail): MvStatus {
  if (detail.job.status === 'failed' || detail.job.status === 'cancelled') return 'failed';
  if (isDone(detail, PLAN_STEPS.styleBind.name)) return 'completed';
  if (isWaitingForReview(detail)) return 'hitl_required';
  return 'running';
}

/**
 * The states passed, in order (seed 002 `state_history`): each done state, HITL only when a person
 * was asked, and the state in progress last.
 */
function stateHistory(detail: CachedJobDetail): MvState[] {
  const out: MvState[] = [];
  for (const state of MV_STATES) {
    const step = stepOf(detail, state);
    if (state === 'HITL') {
      const asked = step?.status === 'waiting' || (step?.status === 'done' && (step.output as { requires_human?: boolean } | null)?.requires_human);
      if (asked) out.push(state);
      if (step?.status !== 'done') break;
      continue;
    }
    if (step?.status === 'done') out.push(state);
    else {
      if (step && detail.job.status !== 'failed') out.push(state);
      break;
    }
  }
  return out;
}



/**
 * Seed 002 section 3 `GET /jobs/{job_id}`: `result` null while running, as the seed writes it
 * (the state it is in and those passed are beside it); at hitl_required the artifacts with the
 * concepts and their QA; once completed the locked blueprint, the character and the media plan.
 */
export function planView(detail: CachedJobDetail, render: CachedJobDetail | null = null) {
  const status = statusOf(detail);
  const history = stateHistory(detail);
  const state = history[history.length - 1] ?? 'INIT';
  const doneStates = MV_STATES.filter((s) => isDone(detail, s));
  const progress = status === 'completed' ? 1 : status === 'hitl_required' ? PROGRESS.HITL : doneStates.length ? PROGRESS[doneStates[doneStates.length - 1]!] : 0;
  const error = detail.job.error as { code?: string; message?: string } | null;
  const input = detail.job.input as PlanJobInput;
  const trace = detail.job.trace.map((t) => `${t.step ? `[${t.step}] ` : ''}${t.message}`);
  const base = {
    job_id: detail.job.id, status, progress, state, state_history: history,
    request: {
      length: input.length, length_seconds: LENGTHS[input.length], selectedStyles: input.selectedStyles, selectedGenres: input.selectedGenres,
      llm_model: input.llm_model, llm_temperature: input.llm_temperature, hitl_mode: input.hitl_mode,
      pdf: input.pdf ? { filename: input.pdf.filename, pages: input.pdf.pages } : null,
    },
    trace,
    render: render ? renderView(render) : null,
    error: status === 'failed' ? error?.message ?? 'The job was cancelled' : null,
    error_code: status === 'failed' ? error?.code ?? 'CANCELLED' : null,
  };
  if (status === 'running') return { ...base, result: null };

  const concepts = doneOutput(detail, PLAN_STEPS.conceptGen);
  const first = doneOutput(detail, PLAN_STEPS.init);
  const qa = doneOutput(detail, PLAN_STEPS.qa);
  const hitl = doneOutput(detail, PLAN_STEPS.hitl);
  const blueprint = doneOutput(detail, PLAN_STEPS.lock);
  const bind = doneOutput(detail, PLAN_STEPS.styleBind);
  const artifacts = concepts?.artifacts ?? first;
  const reports = new Map((qa?.reports ?? []).map((r) => [r.concept_id, r]));
  const character = bind ? characterState(detail) : null;
  const characterStatus = character?.status ?? 'submitted';
  return {
    ...base,
    result: {
      job: {
        state,
        artifacts: {
          ...(artifacts ?? {}),
          ...(concepts ? { concepts: concepts.concepts.map((c) => ({ ...c, qa: reports.get(c.concept_id) ?? null })) } : {}),
          ...(blueprint ? { blueprint } : {}),
          ...(bind ? {
            character_asset: { ...bind.character_asset, status: characterStatus },
            media_plan: { ...bind.media_plan, character_job: { ...bind.media_plan.character_job, status: characterStatus } },
          } : {}),
        },
      },
      hitl: status === 'hitl_required'
        ? { requires_human: true, selected_concept_id: qa?.selected_concept_id ?? null, reason: input.hitl_mode === 'always' ? 'always' as const : 'qa_flagged' as const }
        : { requires_human: false, ...(hitl?.decision ? { reviewed: true, selected_concept_id: hitl.decision.selected_concept_id } : {}) },
      state_history: history,
      trace,
    },
  };
}

export interface CharacterState {
  asset_id: string;
  status: 'submitted' | 'ready' | 'failed';
  preview_url: string | null;
  /** The stored image's platform asset, once ready. */
  asset: CachedJobDetail['assets'][number] | null;
}

/**
 * The plan's character image (seed 002 section 5): `submitted` from STYLE_BIND until the image is
 * stored (`ready`, with a signed URL that expires) or has failed. 404 CHARACTER_NOT_READY before STYLE_BIND.
 */
export function characterState(detail: CachedJobDetail): CharacterState {
  const bind = doneOutput(detail, PLAN_STEPS.styleBind);
  if (!bind) {
    const ended = ['failed', 'cancelled'].includes(detail.job.status);
    throw notFound('CHARACTER_NOT_READY', ended
      ? `Job ${detail.job.id} ended (${detail.job.status}) before its character was planned; make a new plan`
      : `Job ${detail.job.id} has no character yet: it is planned at STYLE_BIND`);
  }
  const planned = bind.character_asset;
  const item = detail.items.find((i) => i.idx === CHARACTER_ITEM);
  const asset = item?.status === 'done' ? detail.assets.find((a) => a.slot === 'character') ?? null : null;
  const failed = item?.status === 'failed' || item?.status === 'cancelled' || (!asset && ['failed', 'cancelled'].includes(detail.job.status));
  return {
    asset_id: planned.asset_id,
    status: asset ? 'ready' : failed ? 'failed' : 'submitted',
    preview_url: asset ? detail.urls.get(asset.id) ?? null : null,
    asset,
  };
}

/**
 * A render of the plan (beyond the seed): its progress and clips made, then the video (H.264/AAC
 * MP4 with the lyrics as a subtitle track), its poster and the lyrics as WebVTT, by signed URLs.
 */
export function renderView(detail: CachedJobDetail) {
  const s = detail.job.status;
  const status = s === 'completed' ? 'completed' as const : s === 'failed' || s === 'cancelled' ? 'failed' as const : 'running' as const;
  const url = (slot: string) => {
    const asset = detail.assets.find((a) => a.slot === slot);
    return asset ? detail.urls.get(asset.id) ?? null : null;
  };
  const done = (name: string) => detail.steps.some((st) => st.name === name && st.status === 'done');
  const clipsDone = detail.steps.filter((st) => st.name.startsWith('clip_') && st.status === 'done' && (st.output as { status?: string } | null)?.status === 'done').length;
  const error = detail.job.error as { code?: string; message?: string } | null;
  return {
    job_id: detail.job.id, status, progress: Math.round(detail.job.progress * 1000) / 1000,
    clips_done: clipsDone, clips_total: (detail.job.input as RenderJobInput).clips.length, music_done: done('music'),
    video_url: url('video'), poster_url: url('poster'), subtitles_url: url('subtitles'),
    duration_seconds: detail.assets.find((a) => a.slot === 'video')?.durationSec ?? null,
    error: status === 'failed' ? error?.message ?? 'The render was cancelled' : null,
    error_code: status === 'failed' ? error?.code ?? 'CANCELLED' : null,
  };
}
