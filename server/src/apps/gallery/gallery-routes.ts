import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../../http/app-env';
import { optionalUser, requireUser, viewerOf } from '../../http/middleware/auth';
import type { Platform } from '../../http/platform';
import { bearerSecurity, ErrorSchema, optionalBearerSecurity } from '../../http/schemas';
import { dayWindow } from '../../core/quotas/day-window';
import type { EntityKind } from '../../core/ports/store';
import { priceOf } from '../../services/credits/prices';
import { appLimits } from '../../services/identity/plan-limits';
import { keysOf } from '../../core/enum-keys';
import { checkEntityText, galleryBlocklist } from './gallery-blocklist';
import { createEntity, deleteEntity, listEntities, ownEntity, promptPrefill, updateEntity, visibleEntity, type EntityChange } from './gallery-entities';
import { cropImage, deleteImage, imageObject, listImages, reorderImages, setPrimary } from './gallery-images';
import { COLLECTIONS, DEFAULT_COUNT, entityKindOf, GALLERY_APP, MAX_BATCH, RATIOS, STYLES, type Collection } from './gallery-options';
import {
  BatchResponse, CreateBodies, CropBody, EntityListQuery, EntityResponse, GenerateBody, GenerateResponse, ImageResponse, OptionsResponse, OrderBody, PatchBodies, PrefillResponse,
} from './gallery-schemas';
import { batchView, cancelBatch, generateImages, ownBatch } from './gallery-service';
import { entityView } from './gallery-views';

const TAG = ['gallery'];
const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });
const json = <T extends z.ZodTypeAny>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const ok = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const Id = z.string().min(1).max(100);
const authFail = err('AUTH_REQUIRED or AUTH_INVALID');
const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** The text a body carries (name, title, fields): what the content guard reads. */
const textsOf = (body: Record<string, unknown>) => Object.values(body).filter((v): v is string => typeof v === 'string');

/** The body's fields as the service takes them: the name (a story's title), the public flag, the rest. */
function changeOf(body: Record<string, unknown>): EntityChange {
  const { name, title, is_public: isPublic, ...fields } = body as { name?: string; title?: string; is_public?: boolean } & Record<string, string | null>;
  return { ...(name ?? title ? { name: (name ?? title)! } : {}), ...(isPublic === undefined ? {} : { isPublic }), fields };
}

/** The routes of one collection (`/characters`): CRUD, the prompt prefill, and the gallery's images. */
function collectionRoutes(platform: Platform, r: ReturnType<typeof newRouter>, collection: Collection, blocklist: ReturnType<typeof galleryBlocklist>) {
  const { deps } = platform;
  const kind: EntityKind = COLLECTIONS[collection];
  const K = capital(kind);
  const base = `/${collection}`;
  const EntityParam = z.object({ id: Id });
  const ImageParam = z.object({ id: Id, asset_id: Id });
  const notFound = err(`ENTITY_NOT_FOUND: no such ${kind}, or a private one of someone else's`);
  const notOwner = err('NOT_OWNER: only the owner may change it');

  r.openapi(createRoute({
    method: 'post', path: base, operationId: `create${K}`, tags: TAG, security: bearerSecurity, summary: `A new ${kind} of mine`,
    request: { body: json(CreateBodies[kind]) },
    responses: { 201: ok('Created', EntityResponse), 400: err('A field is missing or too long; ENTITY_TEXT_BLOCKED: an adult-content term'), 401: authFail, 403: err('ENTITY_LIMIT') },
  }), async (c) => {
    const body = c.req.valid('json') as Record<string, unknown>;
    checkEntityText(blocklist, textsOf(body));
    const entity = await createEntity(deps, c.get('actor'), kind, changeOf(body) as EntityChange & { name: string });
    return c.json(await entityView(deps, entity, c.get('actor')), 201);
  });

  r.openapi(createRoute({
    method: 'get', path: base, operationId: `list${capital(collection)}`, tags: TAG, security: optionalBearerSecurity, summary: `Public ${collection}, or mine (?mine=true)`,
    request: { query: EntityListQuery },
    responses: { 200: ok('Newest first', z.array(EntityResponse)), 400: err('Bad query'), 401: authFail },
  }), async (c) => {
    const q = c.req.valid('query');
    const viewer = viewerOf(c);
    if (q.mine === 'true' && !viewer) await requireUser(platform)(c, async () => {});
    const list = await listEntities(deps, viewer, kind, q.mine === 'true', q.limit);
    return c.json(await Promise.all(list.map((e) => entityView(deps, e, viewer))), 200);
  });

  r.openapi(createRoute({
    method: 'get', path: `${base}/{id}`, operationId: `get${K}`, tags: TAG, security: optionalBearerSecurity, summary: `One ${kind}: public, or mine`,
    request: { params: EntityParam },
    responses: { 200: ok(`The ${kind}`, EntityResponse), 401: authFail, 404: notFound },
  }), async (c) => {
    const viewer = viewerOf(c);
    return c.json(await entityView(deps, await visibleEntity(deps, viewer, kind, c.req.valid('param').id), viewer), 200);
  });

  r.openapi(createRoute({
    method: 'patch', path: `${base}/{id}`, operationId: `update${K}`, tags: TAG, security: bearerSecurity, summary: `Change my ${kind} (null or "" clears a field)`,
    request: { params: EntityParam, body: json(PatchBodies[kind]) },
    responses: { 200: ok('Changed', EntityResponse), 400: err('Bad field'), 401: authFail, 403: notOwner, 404: notFound },
  }), async (c) => {
    const body = c.req.valid('json') as Record<string, unknown>;
    checkEntityText(blocklist, textsOf(body));
    const entity = await updateEntity(deps, c.get('actor'), kind, c.req.valid('param').id, changeOf(body));
    return c.json(await entityView(deps, entity, c.get('actor')), 200);
  });

  r.openapi(createRoute({
    method: 'delete', path: `${base}/{id}`, operationId: `delete${K}`, tags: TAG, security: bearerSecurity, summary: `Delete my ${kind} and its gallery`,
    request: { params: EntityParam },
    responses: { 204: { description: 'Deleted' }, 401: authFail, 403: notOwner, 404: notFound },
  }), async (c) => {
    await deleteEntity(deps, c.get('actor'), kind, c.req.valid('param').id);
    return c.body(null, 204);
  });

  r.openapi(createRoute({
    method: 'get', path: `${base}/{id}/prompt-prefill`, operationId: `prefill${K}Prompt`, tags: TAG, security: bearerSecurity,
    summary: 'The generate form filled from what the entity says of itself (seed "프롬프트 프리필")',
    request: { params: EntityParam },
    responses: { 200: ok('Prompt and options', PrefillResponse), 401: authFail, 403: notOwner, 404: notFound },
  }), async (c) => c.json(promptPrefill(await ownEntity(deps, c.get('actor'), kind, c.req.valid('param').id)), 200));

  r.openapi(createRoute({
    method: 'get', path: `${base}/{id}/images`, operationId: `list${K}Images`, tags: TAG, security: optionalBearerSecurity,
    summary: 'The gallery in order (public entities to anyone, private ones to the owner)',
    request: { params: EntityParam },
    responses: { 200: ok('Images', z.array(ImageResponse)), 401: authFail, 404: notFound },
  }), async (c) => c.json((await listImages(deps, viewerOf(c), kind, c.req.valid('param').id)).images, 200));

  const imageNotFound = err(`IMAGE_NOT_FOUND: not an image of this ${kind}`);
  r.openapi(createRoute({
    method: 'patch', path: `${base}/{id}/images/{asset_id}/primary`, operationId: `set${K}PrimaryImage`, tags: TAG, security: bearerSecurity,
    summary: 'Make it the primary image: the avatar and representative_image_version follow',
    request: { params: ImageParam },
    responses: { 200: ok(`The ${kind}`, EntityResponse), 401: authFail, 403: notOwner, 404: imageNotFound },
  }), async (c) => {
    const p = c.req.valid('param');
    return c.json(await entityView(deps, await setPrimary(deps, c.get('actor'), kind, p.id, p.asset_id), c.get('actor')), 200);
  });

  r.openapi(createRoute({
    method: 'patch', path: `${base}/{id}/images/order`, operationId: `order${K}Images`, tags: TAG, security: bearerSecurity,
    summary: 'Save the order: ids lists each of the gallery\'s images once',
    request: { params: EntityParam, body: json(OrderBody) },
    responses: { 200: ok('The gallery in its new order', z.array(ImageResponse)), 400: err('ORDER_MISMATCH: says which ids are missing, unknown or repeated'), 401: authFail, 403: notOwner, 404: notFound },
  }), async (c) => {
    const { id } = c.req.valid('param');
    await reorderImages(deps, c.get('actor'), kind, id, c.req.valid('json').ids);
    return c.json((await listImages(deps, c.get('actor'), kind, id)).images, 200);
  });

  r.openapi(createRoute({
    method: 'delete', path: `${base}/{id}/images/{asset_id}`, operationId: `delete${K}Image`, tags: TAG, security: bearerSecurity,
    summary: 'Delete an image; when it was the primary, the first by order takes over',
    request: { params: ImageParam },
    responses: { 200: ok(`The ${kind}`, EntityResponse), 401: authFail, 403: notOwner, 404: imageNotFound },
  }), async (c) => {
    const p = c.req.valid('param');
    return c.json(await entityView(deps, await deleteImage(deps, c.get('actor'), kind, p.id, p.asset_id), c.get('actor')), 200);
  });

  r.openapi(createRoute({
    method: 'post', path: `${base}/{id}/images/{asset_id}/crop`, operationId: `crop${K}Image`, tags: TAG, security: bearerSecurity,
    summary: 'A new image cut from this one (source pixels); the original stays (seed "크롭")',
    request: { params: ImageParam, body: json(CropBody) },
    responses: {
      201: ok('The new image', ImageResponse), 400: err('CROP_OUT_OF_BOUNDS, CROP_TOO_SMALL, CONTENT_BLOCKED'), 401: authFail, 403: notOwner, 404: imageNotFound,
    },
  }), async (c) => {
    const p = c.req.valid('param');
    const { image } = await cropImage(deps, c.get('actor'), kind, p.id, p.asset_id, c.req.valid('json'));
    return c.json(image, 201);
  });
}

/** Seed 004's API: `/media/*` and each collection's CRUD and gallery. */
export function galleryRoutes(platform: Platform) {
  const { deps } = platform;
  const r = newRouter();
  const auth = requireUser(platform);
  const optional = optionalUser(platform);
  const blocklist = galleryBlocklist();
  for (const collection of Object.keys(COLLECTIONS)) {
    r.use(`/${collection}`, async (c, next) => (c.req.method === 'GET' ? optional(c, next) : auth(c, next)));
    r.use(`/${collection}/*`, async (c, next) => (c.req.method === 'GET' && !c.req.path.endsWith('/prompt-prefill') ? optional(c, next) : auth(c, next)));
  }
  r.use('/media/generate', auth);
  r.use('/media/jobs/*', auth);
  r.use('/media/options', optional);
  r.use('/media/assets/*', optional);

  r.openapi(createRoute({
    method: 'get', path: '/media/options', operationId: 'getGalleryOptions', tags: TAG, security: optionalBearerSecurity,
    summary: 'Styles, ratios, batch size, price per image, and with a token the images made today of the daily limit',
    responses: { 200: ok('Options', OptionsResponse), 401: authFail },
  }), async (c) => {
    const viewer = viewerOf(c);
    let daily: { limit: number; used: number } | null = null;
    if (viewer) {
      const user = c.get('user');
      const limit = appLimits(deps.settings, user?.plan ?? 'free', GALLERY_APP).imagesPerDay!;
      const window = dayWindow(deps.clock.now(), deps.settings.quotaTz);
      const used = await deps.store.read((rp) => rp.counters.get({ scope: `${GALLERY_APP}.imagesPerDay`, subject: viewer.userId, window }));
      daily = { limit, used };
    }
    return c.json({
      styles: keysOf(STYLES), ratios: keysOf(RATIOS), max_count: MAX_BATCH, default_count: DEFAULT_COUNT,
      price_per_image: priceOf(deps.settings, GALLERY_APP, 'image'), images_per_day: daily?.limit ?? null, images_today: daily?.used ?? null,
    }, 200);
  });

  r.openapi(createRoute({
    method: 'post', path: '/media/generate', operationId: 'generateGalleryImages', tags: TAG, security: bearerSecurity,
    summary: '1..8 images of my entity, generated side by side, each guarded; 1 credit an image, refunded for each failed or blocked',
    request: { body: json(GenerateBody) },
    responses: {
      202: ok('Accepted: poll GET /media/jobs/{job_id}', GenerateResponse),
      400: err('A field is wrong; PROMPT_BLOCKED (a blocked term, named) or PROMPT_REFUSED (moderation): nothing charged'), 401: authFail,
      402: err('INSUFFICIENT_CREDITS: `needed` and `balance`'), 403: err('NOT_OWNER'), 404: err('ENTITY_NOT_FOUND'),
      409: err('ENTITY_BUSY: a batch for this entity is still running'), 429: err('DAILY_LIMIT (Retry-After: seconds to the next day in QUOTA_TZ) or CONCURRENCY_LIMIT'),
      503: err('MODERATION_UNAVAILABLE: nothing charged'),
    },
  }), async (c) => {
    const b = c.req.valid('json');
    const job = await generateImages(deps, c.get('actor'), blocklist, {
      entityKind: entityKindOf(b.entity_type)!, entityId: b.entity_id, count: b.count, prompt: b.prompt,
      ...(b.negative_prompt ? { negativePrompt: b.negative_prompt } : {}), style: b.style, ratio: b.ratio,
      ...(b.seed === undefined ? {} : { seed: b.seed }), ...(b.variation_strength === undefined ? {} : { variationStrength: b.variation_strength }),
    });
    return c.json({ job_id: job.id }, 202);
  });

  const JobParam = z.object({ job_id: Id });
  r.openapi(createRoute({
    method: 'get', path: '/media/jobs/{job_id}', operationId: 'getGalleryJob', tags: TAG, security: bearerSecurity,
    summary: 'The batch: status, progress, results as they arrive, failed and blocked with reasons and refunds (poll every 2-3 s)',
    request: { params: JobParam },
    responses: { 200: ok('The batch', BatchResponse), 401: authFail, 404: err('JOB_NOT_FOUND: none, or not yours') },
  }), async (c) => c.json(await batchView(deps, await ownBatch(deps, c.get('actor'), c.req.valid('param').job_id)), 200));

  r.openapi(createRoute({
    method: 'post', path: '/media/jobs/{job_id}/cancel', operationId: 'cancelGalleryJob', tags: TAG, security: bearerSecurity,
    summary: 'Stop a batch; the images it had not made are refunded',
    request: { params: JobParam },
    responses: { 200: ok('The batch', BatchResponse), 401: authFail, 404: err('JOB_NOT_FOUND: none, or not yours'), 409: err('JOB_WRONG_STATE: it has ended') },
  }), async (c) => {
    const { job_id: jobId } = c.req.valid('param');
    await cancelBatch(deps, c.get('actor'), jobId);
    return c.json(await batchView(deps, await ownBatch(deps, c.get('actor'), jobId)), 200);
  });

  r.openapi(createRoute({
    method: 'get', path: '/media/assets/{asset_id}', operationId: 'getGalleryImage', tags: TAG, security: optionalBearerSecurity,
    summary: 'An image by its stable path (`url`, `avatar_url`): a redirect to its bytes, for whoever may see its entity',
    request: { params: z.object({ asset_id: Id }) },
    responses: { 302: { description: 'To a signed URL of the image' }, 401: authFail, 404: err('IMAGE_NOT_FOUND') },
  }), async (c) => {
    const { storageKey, isPublic } = await imageObject(deps, viewerOf(c), c.req.valid('param').asset_id);
    // Cached a minute at most: an entity made private, or an image deleted, stops being served soon after.
    c.header('Cache-Control', `${isPublic ? 'public' : 'private'}, max-age=60`);
    return c.redirect(await deps.storage.signedGetUrl(storageKey, deps.settings.mediaUrlTtlSec), 302);
  });

  for (const collection of Object.keys(COLLECTIONS) as Collection[]) collectionRoutes(platform, r, collection, blocklist);
  return r;
}
