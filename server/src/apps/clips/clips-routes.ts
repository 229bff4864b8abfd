import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '../../core/errors/app-error';
import type { ImageMime } from '../../core/ports/media';
import { CLIPS_APP, confirmDraft, createDraft } from './clips-service';
import type { CachedJobDetail } from '../../services/jobs/job-detail-cache';
import { getJobDetail } from '../../services/jobs/read-jobs';
import { presignUpload } from '../../services/uploads/uploads-service';
import { describeImageLimits } from '../../core/media/image-limits';
import { mapClipsResult } from './clips-result';
import { newRouter } from '../../http/app-env';
import { jsonBody, renderedOnce } from '../../http/rendered-json';
import { assertBodyUser, requireUser } from '../../http/middleware/auth';
import type { Platform } from '../../http/platform';
import { bearerSecurity, FlatErrorSchema } from '../../http/schemas';
import { ClipsJobResponse, ConfirmBody, DraftBody, PresignBody, PresignResponse } from './clips-schemas';

const PHOTO_LIMITS = `Photo limits: ${describeImageLimits()}. JPEG is decoded shrunk on load, so phone photos of any current sensor fit; PNG and WebP decode in full.`;

const err = (description: string) => ({ description, content: { 'application/json': { schema: FlatErrorSchema } } });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const presign = createRoute({
  method: 'post', path: '/api/upload/presign', operationId: 'createUploadUrl', tags: ['clips'], security: bearerSecurity,
  summary: 'A presigned PUT URL for one photo (jpeg, png or webp, up to 10 MB, valid 60 s)',
  description: PHOTO_LIMITS,
  request: { body: json(PresignBody) },
  responses: {
    200: { description: 'Upload URL (single-use: a second PUT to it is refused)', content: { 'application/json': { schema: PresignResponse } } },
    400: err('Bad mime or size'), 401: err('No token'), 403: err('userId is not the token user'),
    429: err('Upload limit reached: uploads or declared bytes per hour (see /v1/me limits); Retry-After says when'),
  },
});

const draft = createRoute({
  method: 'post', path: '/api/jobs/draft', operationId: 'createDraftJob', tags: ['clips'], security: bearerSecurity,
  summary: 'A draft job from 1-3 uploaded photos',
  description: `${PHOTO_LIMITS} Each photo is checked here once; a refused one answers 400 INVALID_PHOTO_URL with the reason ("2000x1 is too narrow: ...").`,
  request: { body: json(DraftBody) },
  responses: {
    200: { description: 'Draft created', content: { 'application/json': { schema: z.object({ draftJobId: z.string() }) } } },
    400: err('A photo URL is not your upload, or the photo is unreadable or outside the limits'), 401: err('No token'), 403: err('userId is not the token user'),
  },
});

const confirm = createRoute({
  method: 'post', path: '/api/jobs/confirm', operationId: 'confirmJob', tags: ['clips'], security: bearerSecurity,
  summary: 'Confirm a draft: charge (story 2, trailer 5, rewrite +1; quick free once a day) and queue it',
  request: { body: json(ConfirmBody) },
  responses: {
    200: { description: 'Queued', content: { 'application/json': { schema: z.object({ jobId: z.string(), status: z.literal('queued') }) } } },
    400: err('Not a draft, no photos, or a bad option'), 401: err('No token'), 402: err('Not enough credits: `needed` and `balance`'),
    403: err('Not your draft'), 404: err('Draft not found'), 429: err("Daily free limit reached (1 Quick/day), or the plan's running jobs are all in use (CONCURRENCY_LIMIT)"),
  },
});

const getJob = createRoute({
  method: 'get', path: '/api/jobs/{jobId}', operationId: 'getClipsJob', tags: ['clips'], security: bearerSecurity,
  summary: 'A clips job in seed 000’s shape: status, progress and its clips or trailer',
  request: { params: z.object({ jobId: z.string().min(1).max(100) }) },
  responses: { 200: { description: 'The job and its result', content: { 'application/json': { schema: ClipsJobResponse } } }, 401: err('No token'), 403: err('Not yours'), 404: err('Not found') },
});

/** Seed 000: the photo-to-clips app, its paths and error wording kept. */
export function clipsRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  const auth = requireUser(platform);
  // Errors here are flat by the mount registry (mounts.ts), not by a middleware. Only its own
  // paths: other apps share the /api mount and authenticate theirs.
  for (const path of ['/api/upload/*', '/api/jobs/*']) r.use(path, auth);

  r.openapi(presign, async (c) => {
    const body = c.req.valid('json');
    assertBodyUser(c.get('actor'), body.userId);
    return c.json(await presignUpload(deps, c.get('actor').userId, body.mime as ImageMime, body.size), 200);
  });

  r.openapi(draft, async (c) => {
    const body = c.req.valid('json');
    assertBodyUser(c.get('actor'), body.userId);
    return c.json(await createDraft(deps, c.get('actor').userId, body.photoUrls), 200);
  });

  r.openapi(confirm, async (c) => {
    const b = c.req.valid('json');
    assertBodyUser(c.get('actor'), b.userId);
    const out = await confirmDraft(deps, c.get('actor'), {
      draftJobId: b.draftJobId, mode: b.mode, stage: b.stage, genre: b.genre, sliders: b.slidersJson,
      rewriteEnabled: b.rewriteEnabled, rewriteRawText: b.rewriteRawText, distanceMode: b.distanceMode, desiredEnding: b.desiredEnding,
    });
    return c.json(out, 200);
  });

  const render = renderedOnce(clipsJobBody);
  r.openapi(getJob, async (c) => {
    const detail = await getJobDetail(platform.jobDetails, c.get('actor'), c.req.valid('param').jobId);
    if (detail.job.app !== CLIPS_APP) throw notFound('JOB_NOT_FOUND', 'Not found');
    return jsonBody(c, render(detail));
  });
  return r;
}

/** Seed 000 section 5-2's job shape. */
function clipsJobBody(detail: CachedJobDetail): z.infer<typeof ClipsJobResponse> {
  const { job, urls } = detail;
  const input = job.input as { mode?: string; stage?: string; genre?: string; photos?: { url: string }[]; rewriteEnabled?: boolean; rewrite?: { distanceMode: string; desiredEnding: string } | null };
  return {
    id: job.id,
    mode: input.mode ?? 'quick',
    stage: input.stage ?? 'teen',
    genre: input.genre ?? 'comedy',
    status: job.status,
    progress: job.progress,
    photos: (input.photos ?? []).map((p) => p.url),
    rewrite: input.rewrite ? { enabled: input.rewriteEnabled ?? true, distanceMode: input.rewrite.distanceMode, desiredEnding: input.rewrite.desiredEnding } : { enabled: false },
    result: mapClipsResult(job, detail.assets, (a) => urls.get(a.id) ?? null),
    error: job.error,
  };
}
