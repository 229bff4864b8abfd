import type { z } from '@hono/zod-openapi';
import type { JobStatus } from '../../core/jobs/job-status';
import type { CachedJobDetail } from '../../services/jobs/job-detail-cache';
import type { ImageJobInput, PromptJobInput, VideoJobInput } from './studio-input';
import { STUDIO_PIPELINES, type StudioKind } from './studio-pipelines';
import type { HistoryItem, VideoResponse } from './studio-schemas';
import { VIDEO_STATUSES } from './studio-schemas';

/** Seed 001's video statuses: the job's waiting on the provider is its `in_progress`. */
const VIDEO_STATUS: Record<JobStatus, (typeof VIDEO_STATUSES)[number]> = {
  draft: 'queued', queued: 'queued', running: 'in_progress', waiting: 'in_progress', completed: 'completed', failed: 'failed', cancelled: 'cancelled',
};

/** The console's words for the queued state (seed 001 section 3). */
export const QUEUED_MESSAGE = '대기열에 등록되었습니다';

export const kindOf = (pipeline: string): StudioKind | null =>
  (Object.entries(STUDIO_PIPELINES).find(([, id]) => id === pipeline)?.[0] as StudioKind | undefined) ?? null;

/** The signed URL of the delivered asset in `slot`, if the job has one. */
function urlOf(detail: CachedJobDetail, slot: string): string | undefined {
  const asset = detail.assets.find((a) => a.slot === slot);
  return asset ? detail.urls.get(asset.id) : undefined;
}

function errorOf(detail: CachedJobDetail) {
  const e = detail.job.error;
  if (!e) return undefined;
  return { code: typeof e.code === 'string' ? e.code : 'FAILED', message: typeof e.message === 'string' ? e.message : 'failed' };
}

/** `GET /api/videos/{jobId}`: seed 001's status, progress 0..100, and the video and its poster once made. */
export function videoView(detail: CachedJobDetail): z.infer<typeof VideoResponse> {
  const { job } = detail;
  const input = job.input as VideoJobInput;
  const status = VIDEO_STATUS[job.status];
  const error = errorOf(detail);
  const videoUrl = status === 'completed' ? urlOf(detail, 'video') : undefined;
  const thumbnailUrl = status === 'completed' ? urlOf(detail, 'thumb') : undefined;
  return {
    jobId: job.id,
    status,
    progress: status === 'completed' ? 100 : Math.max(0, Math.min(99, Math.round(job.progress * 100))),
    ...(status === 'queued' ? { message: QUEUED_MESSAGE } : {}),
    prompt: input.prompt,
    imageId: input.image?.id ?? null,
    seconds: input.seconds,
    size: input.size,
    ...(videoUrl ? { videoUrl } : {}),
    ...(thumbnailUrl ? { thumbnailUrl } : {}),
    ...(error && status === 'failed' ? { error } : {}),
    createdAt: job.createdAt.toISOString(),
  };
}

/** One line of seed 001 section 6's history: what was asked and what came of it. */
export function historyItem(detail: CachedJobDetail): z.infer<typeof HistoryItem> | null {
  const { job } = detail;
  const kind = kindOf(job.pipeline);
  if (!kind) return null;
  const base = { type: kind, jobId: job.id, createdAt: job.createdAt.toISOString() };
  const error = job.status === 'failed' ? errorOf(detail) : undefined;
  if (kind === 'video') {
    const v = videoView(detail);
    return { ...base, status: v.status, input: { ...(job.input as VideoJobInput), image: undefined, imageId: v.imageId }, prompt: v.prompt, progress: v.progress,
      ...(v.imageId ? { imageId: v.imageId } : {}), ...(v.videoUrl ? { videoUrl: v.videoUrl } : {}), ...(v.thumbnailUrl ? { thumbnailUrl: v.thumbnailUrl } : {}), ...(v.error ? { error: v.error } : {}) };
  }
  if (kind === 'image') {
    const input = job.input as ImageJobInput;
    const image = detail.assets.find((a) => a.slot === 'image');
    const imageUrl = urlOf(detail, 'image');
    const thumbnailUrl = urlOf(detail, 'thumb');
    return { ...base, status: job.status, input: { ...input }, prompt: input.prompt,
      ...(image && job.status === 'completed' ? { imageId: image.id } : {}), ...(imageUrl ? { imageUrl } : {}), ...(thumbnailUrl ? { thumbnailUrl } : {}), ...(error ? { error } : {}) };
  }
  const input = job.input as PromptJobInput;
  const prompt = (job.result as { prompt?: string } | null)?.prompt;
  return { ...base, status: job.status, input: { ...input }, ...(prompt ? { prompt } : {}), ...(error ? { error } : {}) };
}
