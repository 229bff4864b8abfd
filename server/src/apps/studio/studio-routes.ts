import { createRoute, z } from '@hono/zod-openapi';
import { invalid } from '../../core/errors/app-error';
import { newRouter } from '../../http/app-env';
import { requireUser } from '../../http/middleware/auth';
import type { Platform } from '../../http/platform';
import { bearerSecurity, FlatErrorSchema } from '../../http/schemas';
import { priceOf } from '../../services/credits/prices';
import { assetUrls, decodeCursor, getJobDetail, listJobs } from '../../services/jobs/read-jobs';
import { CAMERAS, MOODS, RATIOS, STYLES, VIDEO_SECONDS, VIDEO_SIZES } from './studio-options';
import { keysOf } from '../../core/enum-keys';
import { STUDIO_APP, STUDIO_PIPELINES } from './studio-pipelines';
import {
  HistoryQuery, HistoryResponse, ImageBody, ImageResponse, OptionsResponse, PromptBody, PromptResponse, VideoBody, VideoResponse,
} from './studio-schemas';
import { cancelVideo, expandPrompt, generateImage, newSeed, regenerateImage, regenerateVideo, startVideo, videoNotFound } from './studio-service';
import { assertOwner } from '../../services/jobs/actor';
import { historyItem, videoView } from './studio-views';

const TAG = ['studio'];
const err = (description: string) => ({ description, content: { 'application/json': { schema: FlatErrorSchema } } });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const ok = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const limited = err('RATE_LIMITED: past your requests a minute to this endpoint (Retry-After says when); CONCURRENCY_LIMIT: your jobs at once are all in use');
const badId = err('INVALID_REQUEST: the id is malformed (over 100 characters)');
const JobIdParam = z.object({ jobId: z.string().min(1).max(100) });
const ImageIdParam = z.object({ imageId: z.string().min(1).max(100) });

const options = createRoute({
  method: 'get', path: '/api/studio/options', operationId: 'getStudioOptions', tags: TAG, security: bearerSecurity,
  summary: 'The vocabularies of the idea form and what each action costs, in credits',
  responses: { 200: ok('Choices and prices', OptionsResponse), 401: err('No token') },
});

const prompts = createRoute({
  method: 'post', path: '/api/prompts', operationId: 'createStudioPrompt', tags: TAG, security: bearerSecurity,
  summary: 'Expand an idea and its choices into one image prompt (free)',
  description: 'The text provider writes one English prompt keeping the user\'s own words (a Korean idea is kept as written beside its English) and every choice. Moderated first.',
  request: { body: json(PromptBody) },
  responses: {
    200: ok('The prompt', PromptResponse), 400: err('A field is missing or not in its vocabulary; PROMPT_REFUSED: refused by the content policy'), 401: err('No token'),
    429: limited, 502: err('GENERATION_FAILED: the text provider failed'), 503: err('MODERATION_UNAVAILABLE'), 504: err('PROMPT_TIMEOUT: not done within the deadline'),
  },
});

const images = createRoute({
  method: 'post', path: '/api/images', operationId: 'createStudioImage', tags: TAG, security: bearerSecurity,
  summary: 'Generate an image (1 credit by default), answered once it is in our storage',
  description: 'A job inside: charged on admission, refunded if it fails or passes the deadline (504 IMAGE_TIMEOUT, the job cancelled).',
  request: { body: json(ImageBody) },
  responses: {
    200: ok('The stored image', ImageResponse), 400: err('Bad field; PROMPT_REFUSED'), 401: err('No token'), 402: err('INSUFFICIENT_CREDITS: `needed` and `balance`'),
    429: limited, 502: err('GENERATION_FAILED: the image provider failed; refunded'), 503: err('MODERATION_UNAVAILABLE'), 504: err('IMAGE_TIMEOUT: refunded'),
  },
});

const regenerateImageRoute = createRoute({
  method: 'post', path: '/api/images/{imageId}/regenerate', operationId: 'regenerateStudioImage', tags: TAG, security: bearerSecurity,
  summary: 'The same inputs as one of my images, a new seed, charged again',
  request: { params: ImageIdParam },
  responses: {
    200: ok('The new image', ImageResponse), 400: badId, 401: err('No token'), 402: err('INSUFFICIENT_CREDITS'), 403: err('Not your image'), 404: err('IMAGE_NOT_FOUND'),
    429: limited, 502: err('GENERATION_FAILED'), 504: err('IMAGE_TIMEOUT'),
  },
});

const videos = createRoute({
  method: 'post', path: '/api/videos', operationId: 'createStudioVideo', tags: TAG, security: bearerSecurity,
  summary: 'Queue a video (5 credits by default), optionally from one of my images; answers at once',
  request: { body: json(VideoBody) },
  responses: {
    202: ok('Queued: poll GET /api/videos/{jobId} or follow /v1/jobs/{jobId}/events', z.object({ jobId: z.string(), status: z.literal('queued'), message: z.string() })),
    400: err('Bad field; PROMPT_REFUSED'), 401: err('No token'), 402: err('INSUFFICIENT_CREDITS'), 403: err('The image is not yours'), 404: err('IMAGE_NOT_FOUND'),
    429: limited, 503: err('MODERATION_UNAVAILABLE'),
  },
});

const getVideo = createRoute({
  method: 'get', path: '/api/videos/{jobId}', operationId: 'getStudioVideo', tags: TAG, security: bearerSecurity,
  summary: 'A video job: status, progress 0..100, and its URLs once completed',
  request: { params: JobIdParam },
  responses: { 200: ok('The video job', VideoResponse), 400: badId, 401: err('No token'), 403: err('Not yours'), 404: err('VIDEO_NOT_FOUND') },
});

const cancelVideoRoute = createRoute({
  method: 'post', path: '/api/videos/{jobId}/cancel', operationId: 'cancelStudioVideo', tags: TAG, security: bearerSecurity,
  summary: 'Cancel a video not yet ended; its credits come back',
  request: { params: JobIdParam },
  responses: {
    200: ok('Cancelled', z.object({ jobId: z.string(), status: z.literal('cancelled'), refunded: z.number().int() })),
    400: badId, 401: err('No token'), 403: err('Not yours'), 404: err('VIDEO_NOT_FOUND'), 409: err('JOB_WRONG_STATE: it has ended'),
  },
});

const regenerateVideoRoute = createRoute({
  method: 'post', path: '/api/videos/{jobId}/regenerate', operationId: 'regenerateStudioVideo', tags: TAG, security: bearerSecurity,
  summary: 'The same inputs as one of my videos, a new seed, charged again; answers at once',
  request: { params: JobIdParam },
  responses: {
    202: ok('Queued', z.object({ jobId: z.string(), status: z.literal('queued'), message: z.string() })),
    400: badId, 401: err('No token'), 402: err('INSUFFICIENT_CREDITS'), 403: err('Not yours'), 404: err('VIDEO_NOT_FOUND, or IMAGE_NOT_FOUND when its image is gone'), 429: limited,
  },
});

const history = createRoute({
  method: 'get', path: '/api/history', operationId: 'getStudioHistory', tags: TAG, security: bearerSecurity,
  summary: 'My prompts, images and videos, newest first',
  request: { query: HistoryQuery },
  responses: { 200: ok('A page of history', HistoryResponse), 400: err('Bad type or cursor'), 401: err('No token') },
});

/** Seed 001: prompt -> image -> SORA2 video, with history and regenerate (sections 2 to 6), errors flat as the `/api` mount's. */
export function studioRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  const auth = requireUser(platform);
  for (const path of ['/api/studio/*', '/api/prompts', '/api/images', '/api/images/*', '/api/videos', '/api/videos/*', '/api/history']) r.use(path, auth);

  // Read from the store, not the detail cache: the job has just ended and its cached detail may predate that.
  const imageAnswer = async (jobId: string, imageId: string) => {
    const assets = await deps.store.read((r) => r.assets.listForJob(jobId));
    const image = assets.find((a) => a.id === imageId);
    if (!image) throw new Error(`studio: image ${imageId} of job ${jobId} is not stored`);
    const thumb = assets.find((a) => a.slot === 'thumb');
    const urls = await assetUrls(deps, thumb ? [image, thumb] : [image]);
    return {
      imageId, jobId, imageUrl: urls.get(image.id)!, thumbnailUrl: thumb ? urls.get(thumb.id)! : null,
      width: image.width ?? 0, height: image.height ?? 0,
    };
  };
  const queued = (jobId: string) => ({ jobId, status: 'queued' as const, message: '대기열에 등록되었습니다' });

  r.openapi(options, (c) => c.json({
    styles: keysOf(STYLES), moods: keysOf(MOODS), cameras: keysOf(CAMERAS), ratios: keysOf(RATIOS),
    videoSizes: [...VIDEO_SIZES], videoSeconds: [...VIDEO_SECONDS],
    prices: { prompt: 0, image: priceOf(deps.settings, STUDIO_APP, 'image'), video: priceOf(deps.settings, STUDIO_APP, 'video') },
  }, 200));

  r.openapi(prompts, async (c) => c.json(await expandPrompt(deps, c.get('actor'), c.req.valid('json')), 200));

  r.openapi(images, async (c) => {
    const b = c.req.valid('json');
    const { jobId, imageId } = await generateImage(deps, c.get('actor'), { ...b, seed: b.seed ?? newSeed() });
    return c.json(await imageAnswer(jobId, imageId), 200);
  });

  r.openapi(regenerateImageRoute, async (c) => {
    const { jobId, imageId } = await regenerateImage(deps, c.get('actor'), c.req.valid('param').imageId);
    return c.json(await imageAnswer(jobId, imageId), 200);
  });

  r.openapi(videos, async (c) => {
    const { jobId } = await startVideo(deps, c.get('actor'), c.req.valid('json'));
    return c.json(queued(jobId), 202);
  });

  r.openapi(getVideo, async (c) => {
    // Polled every second or so: one read, through the detail cache, checks the kind and the owner.
    const { jobId } = c.req.valid('param');
    const detail = await platform.jobDetails.get(jobId);
    if (!detail || detail.job.pipeline !== STUDIO_PIPELINES.video) throw videoNotFound(jobId);
    assertOwner(detail.job, c.get('actor'));
    return c.json(videoView(detail), 200);
  });

  r.openapi(cancelVideoRoute, async (c) => c.json(await cancelVideo(deps, c.get('actor'), c.req.valid('param').jobId), 200));

  r.openapi(regenerateVideoRoute, async (c) => {
    const { jobId } = await regenerateVideo(deps, c.get('actor'), c.req.valid('param').jobId);
    return c.json(queued(jobId), 202);
  });

  r.openapi(history, async (c) => {
    const q = c.req.valid('query');
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (after === null) throw invalid('INVALID_CURSOR', 'cursor: not a cursor this API returned');
    const actor = c.get('actor');
    const pipelines = q.type ? [STUDIO_PIPELINES[q.type]] : Object.values(STUDIO_PIPELINES);
    const page = await listJobs(deps, { userId: actor.userId, app: STUDIO_APP, pipelines, limit: q.limit, ...(after ? { after } : {}) });
    const details = await Promise.all(page.jobs.map((j) => getJobDetail(platform.jobDetails, actor, j.id)));
    const items = details.map(historyItem).filter((i): i is NonNullable<typeof i> => i !== null);
    return c.json({ items, nextCursor: page.nextCursor }, 200);
  });
  return r;
}
