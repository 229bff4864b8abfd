import { createRoute, z } from '@hono/zod-openapi';
import { invalid, notFound } from '../../core/errors/app-error';
import { keysOf } from '../../core/enum-keys';
import { newRouter } from '../../http/app-env';
import { requireUser } from '../../http/middleware/auth';
import { validationError } from '../../http/middleware/validation';
import type { Platform } from '../../http/platform';
import { bearerSecurity, ErrorSchema } from '../../http/schemas';
import { priceOf } from '../../services/credits/prices';
import type { PlanJobInput } from './mv-input';
import { DEFAULT_LLM_MODEL, DEFAULT_TEMPERATURE, GENRES, HITL_MODES, LENGTHS, LLM_MODELS, MAX_GUIDELINES_CHARS, MAX_PDF_BYTES, MAX_PDF_PAGES, MV_APP, STYLES } from './mv-options';
import { sourcePages } from './mv-pipeline';
import { CharacterResponse, HitlBody, HitlResponse, JobIdResponse, OptionsResponse, PagesResponse, PlanBody, PlanResponse, RenderStarted, UploadForm } from './mv-schemas';
import { latestRender, ownPlan, startRender, submitPlan, submitReview } from './mv-service';
import { characterState, planView } from './mv-views';

const TAG = ['safetymv'];
const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });
const ok = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const JobParam = z.object({ job_id: z.string().min(1).max(100) });
const authFail = err('AUTH_REQUIRED or AUTH_INVALID');
const notFound404 = err('JOB_NOT_FOUND: no such plan job of yours');
const refused = '400: a field is wrong (the message names it), GUIDELINES_REQUIRED, NO_GUIDELINES_FOUND (nothing to teach in the text), PROMPT_REFUSED (additionalRequirements); ';

/** The multipart form's strings as PlanBody's fields: `selectedStyles` comma separated, `llm_temperature` a number. */
function formFields(form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (key === 'file' || value === undefined) continue;
    if (typeof value !== 'string') { out[key] = value; continue; }
    if (key === 'selectedStyles') out[key] = value.split(',').map((s) => s.trim()).filter(Boolean);
    // Decimal only: Number() would also read '0x1' and '1e0'.
    else if (key === 'llm_temperature') out[key] = value.trim() === '' ? undefined : /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    else out[key] = value;
  }
  return out;
}

/** Seed 002 under `/mv` (its `/jobs` would collide with other apps'), errors in the platform's shape. */
export function mvRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  r.use('/mv/*', requireUser(platform));

  r.openapi(createRoute({
    method: 'get', path: '/mv/options', operationId: 'getMvOptions', tags: TAG, security: bearerSecurity,
    summary: 'The published lengths, styles, genres, models and review modes, the limits and the prices',
    responses: { 200: ok('Choices', OptionsResponse), 401: authFail },
  }), (c) => c.json({
    lengths: keysOf(LENGTHS), styles: keysOf(STYLES), genres: keysOf(GENRES), llm_models: [...LLM_MODELS], hitl_modes: [...HITL_MODES],
    defaults: { llm_model: DEFAULT_LLM_MODEL, llm_temperature: DEFAULT_TEMPERATURE },
    limits: { pdf_max_bytes: MAX_PDF_BYTES, pdf_max_pages: MAX_PDF_PAGES, guidelines_max_chars: MAX_GUIDELINES_CHARS },
    prices: { plan: priceOf(deps.settings, MV_APP, 'plan'), character: priceOf(deps.settings, MV_APP, 'character'), clip: priceOf(deps.settings, MV_APP, 'clip'), music: priceOf(deps.settings, MV_APP, 'music') },
  }, 200));

  r.openapi(createRoute({
    method: 'post', path: '/mv/jobs', operationId: 'createMvJob', tags: TAG, security: bearerSecurity,
    summary: 'Plan a safety music video from typed guidelines (seed 002 section 1)',
    description: 'Charged at submit (the plan, and the character image as its own item), refunded when it fails. The job runs INIT -> CONCEPT_GEN -> QA -> (HITL) -> LOCK_BLUEPRINT_CORE -> STYLE_BIND; poll GET /mv/jobs/{job_id}.',
    request: { body: { required: true, content: { 'application/json': { schema: PlanBody } } } },
    responses: {
      200: ok('Accepted', JobIdResponse), 400: err(refused), 401: authFail, 402: err('INSUFFICIENT_CREDITS'),
      429: err('DAILY_LIMIT: plans a day; CONCURRENCY_LIMIT: plans at once'), 503: err('MODERATION_UNAVAILABLE'),
    },
  }), async (c) => {
    const { jobId } = await submitPlan(deps, c.get('actor'), c.req.valid('json'));
    return c.json({ job_id: jobId }, 200);
  });

  r.openapi(createRoute({
    method: 'post', path: '/mv/jobs/upload', operationId: 'uploadMvJob', tags: TAG, security: bearerSecurity,
    summary: 'Plan a safety music video from a PDF of guidelines (seed 002 section 2, multipart)',
    description: 'The PDF is checked by its magic bytes, at most 20 MB and 100 pages, not encrypted, with extractable text; its text is read per page (page_number from 1). Typed `guidelines` beside it are page 0.',
    request: { body: { required: true, content: { 'multipart/form-data': { schema: UploadForm } } } },
    responses: {
      200: ok('Accepted', JobIdResponse),
      400: err(`${refused}FILE_REQUIRED, ONE_FILE_ONLY, NO_GUIDELINES_FOUND, PDF_TOO_LARGE, NOT_A_PDF, PDF_ENCRYPTED, PDF_TOO_MANY_PAGES, PDF_NO_TEXT, PDF_UNREADABLE`),
      401: authFail, 402: err('INSUFFICIENT_CREDITS'), 413: err('PAYLOAD_TOO_LARGE: the request is far over 20 MB'), 415: err('UNSUPPORTED_MEDIA_TYPE: not multipart/form-data'),
      429: err('DAILY_LIMIT or CONCURRENCY_LIMIT'), 503: err('MODERATION_UNAVAILABLE'),
    },
  }), async (c) => {
    // `all`: a field sent twice comes as a list, refused below, rather than the last one silently winning.
    const form = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
    const file = form.file;
    if (Array.isArray(file)) throw invalid('ONE_FILE_ONLY', `file: send one PDF (got ${file.length})`);
    if (!(file instanceof File)) throw invalid('FILE_REQUIRED', 'file: attach the guidelines PDF as the multipart field `file`');
    const parsed = PlanBody.safeParse(formFields(form));
    if (!parsed.success) throw validationError(parsed.error);
    const { jobId } = await submitPlan(deps, c.get('actor'), parsed.data, { bytes: Buffer.from(await file.arrayBuffer()), filename: file.name.slice(0, 200) });
    return c.json({ job_id: jobId }, 200);
  });

  r.openapi(createRoute({
    method: 'get', path: '/mv/jobs/{job_id}', operationId: 'getMvJob', tags: TAG, security: bearerSecurity,
    summary: 'A plan job as seed 002 section 3: running, hitl_required, completed or failed',
    request: { params: JobParam },
    responses: { 200: ok('The job', PlanResponse), 401: authFail, 404: notFound404 },
  }), async (c) => {
    const detail = await ownPlan(platform.jobDetails, c.get('actor'), c.req.valid('param').job_id);
    return c.json(planView(detail, await latestRender(deps, platform.jobDetails, detail)) as z.infer<typeof PlanResponse>, 200);
  });

  r.openapi(createRoute({
    method: 'post', path: '/mv/jobs/{job_id}/render', operationId: 'renderMvJob', tags: TAG, security: bearerSecurity,
    summary: 'Render the completed plan into the music video (beyond the seed)',
    description: 'The clips side by side from the character image, the music, then one MP4 with the music under the clips and the lyrics as a timed subtitle track (and WebVTT). Charged per clip and for the music, refunded if it fails. GET /mv/jobs/{job_id} shows `render`.',
    request: { params: JobParam },
    responses: {
      202: ok('Started', RenderStarted), 401: authFail, 402: err('INSUFFICIENT_CREDITS'), 404: notFound404,
      409: err('PLAN_NOT_READY, CHARACTER_NOT_READY, CHARACTER_FAILED, or ENTITY_BUSY: a render of this plan runs'), 429: err('CONCURRENCY_LIMIT'),
    },
  }), async (c) => {
    const { job_id: jobId } = c.req.valid('param');
    const { renderJobId } = await startRender(deps, platform.jobDetails, c.get('actor'), jobId);
    return c.json({ job_id: jobId, render_job_id: renderJobId, status: 'running' as const }, 202);
  });

  r.openapi(createRoute({
    method: 'get', path: '/mv/jobs/{job_id}/pages', operationId: 'getMvJobPages', tags: TAG, security: bearerSecurity,
    summary: 'The text of the guidelines per page, as the evidence offsets index it',
    request: { params: JobParam },
    responses: { 200: ok('Pages (0: typed guidelines; 1..: the PDF)', PagesResponse), 401: authFail, 404: notFound404 },
  }), async (c) => {
    const detail = await ownPlan(platform.jobDetails, c.get('actor'), c.req.valid('param').job_id);
    const pages = await sourcePages({ input: detail.job.input as PlanJobInput, storage: deps.storage });
    return c.json({ pages: pages.map((p) => ({ page_number: p.pageNumber, text: p.text })) }, 200);
  });

  r.openapi(createRoute({
    method: 'post', path: '/mv/jobs/{job_id}/hitl', operationId: 'reviewMvJob', tags: TAG, security: bearerSecurity,
    summary: 'A person\'s review (seed 002 section 4): the concept kept, its lyrics and scenes edited; the job resumes at LOCK_BLUEPRINT_CORE',
    request: { params: JobParam, body: { required: true, content: { 'application/json': { schema: HitlBody } } } },
    responses: {
      200: ok('Resumed', HitlResponse),
      400: err('CONCEPT_NOT_FOUND, INVALID_MV_SCRIPT (scenes must run from 0 to the length without gaps or overlaps), INVALID_LYRICS, JOB_ID_MISMATCH, or a field'),
      401: authFail, 404: notFound404, 409: err('JOB_NOT_IN_REVIEW: the job is not waiting for a review'),
    },
  }), async (c) => {
    const { job_id: jobId } = c.req.valid('param');
    const { job_id: bodyJobId, ...decision } = c.req.valid('json');
    if (bodyJobId !== undefined && bodyJobId !== jobId) throw invalid('JOB_ID_MISMATCH', `job_id: the body names ${bodyJobId} but the path ${jobId}; leave it out or send the same`);
    await submitReview(deps, platform.jobDetails, c.get('actor'), jobId, decision);
    return c.json({ job_id: jobId, status: 'running' as const, message: 'Review received: the job resumes at LOCK_BLUEPRINT_CORE' }, 200);
  });

  r.openapi(createRoute({
    method: 'get', path: '/mv/jobs/{job_id}/character', operationId: 'getMvCharacter', tags: TAG, security: bearerSecurity,
    summary: 'The plan\'s character image (seed 002 section 5): submitted, ready with a signed URL, or failed',
    request: { params: JobParam },
    responses: { 200: ok('The character', CharacterResponse), 401: authFail, 404: err('JOB_NOT_FOUND, or CHARACTER_NOT_READY before STYLE_BIND') },
  }), async (c) => {
    const { asset_id, status, preview_url } = characterState(await ownPlan(platform.jobDetails, c.get('actor'), c.req.valid('param').job_id));
    return c.json({ asset_id, status, preview_url }, 200);
  });

  r.openapi(createRoute({
    method: 'get', path: '/mv/jobs/{job_id}/character/image', operationId: 'getMvCharacterImage', tags: TAG, security: bearerSecurity,
    summary: 'The character image\'s bytes (seed 002 section 6), with its image/* type; 404 until ready',
    request: { params: JobParam },
    responses: {
      200: { description: 'The image', content: { 'image/png': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } } },
      401: authFail, 404: err('JOB_NOT_FOUND, or CHARACTER_NOT_READY'),
    },
  }), async (c) => {
    const { asset } = characterState(await ownPlan(platform.jobDetails, c.get('actor'), c.req.valid('param').job_id));
    const bytes = asset ? await deps.storage.get(asset.storageKey, asset.size + 1) : null;
    if (!asset || !bytes) throw notFound('CHARACTER_NOT_READY', 'The character image is not ready yet: GET .../character says when it is');
    return c.body(new Uint8Array(bytes), 200, { 'content-type': asset.mime, 'cache-control': 'private, max-age=300', 'content-length': String(bytes.length) });
  });

  return r;
}

