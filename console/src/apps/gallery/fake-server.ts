import { createFakeApi, type FakeReply as Reply, type FakeRequest } from '../../platform/testing/fake-api';
import type { GalleryBatch, GalleryEntity, GalleryImage, GalleryOptions } from './gallery-api';

/** The gallery app's tests' stand-in for the server behind the typed client (platform/testing/fake-api.ts). */
const fake = createFakeApi();
export const fakeServer = fake.server;
export const fakeApi = fake.api;

export const fail = (status: number, code: string, message: string, details: Record<string, unknown> = {}, headers?: Record<string, string>): Reply =>
  ({ status, body: { error: { code, message, ...details } }, headers });

/** The server's choices, with a price other than the default: what the modal shows must come from here. */
export const OPTIONS: GalleryOptions = {
  styles: ['realistic', 'anime', 'painterly'], ratios: ['1:1', '3:4', '16:9'], max_count: 8, default_count: 4, price_per_image: 2, images_per_day: 24, images_today: 5,
};

const T = '2026-12-03T09:00:00.000Z';

export function entity(over: Partial<GalleryEntity> = {}): GalleryEntity {
  return {
    id: 'chr_1', entity_type: 'character', name: '하늘', description: '은발의 검객 🗡️', is_public: true, is_owner: true, generating_job_id: null,
    avatar_url: null, gallery_count: 0, representative_image_version: 0, created_at: T, updated_at: T, ...over,
  };
}

export function image(id: string, over: Partial<GalleryImage> = {}): GalleryImage {
  return {
    id, url: `/media/assets/${id}`, is_primary: false, order_index: 0, status: 'ready', width: 768, height: 1024, style: 'anime', ratio: '3:4', seed: 1,
    source_id: null, created_at: T, ...over,
  };
}

export function batch(over: Partial<GalleryBatch> = {}): GalleryBatch {
  return {
    job_id: 'job_1', status: 'running', progress: 0, entity_type: 'character', entity_id: 'chr_1', count: 4, results: [], succeeded: 0, failed: 0, blocked: 0,
    errors: [], refunded: 0, error: null, created_at: T, ...over,
  };
}

/**
 * One character and its gallery kept as the server keeps them: the primary is the avatar (its
 * version bumped on each change), a deleted primary hands over to the first, an order must list
 * every id once (400 ORDER_MISMATCH otherwise), a crop lands right after its source.
 */
export function serveCharacter(start: GalleryEntity, images: GalleryImage[] = []) {
  const state = { entity: { ...start }, images: images.map((i, n) => ({ ...i, order_index: n })) };
  const sync = () => {
    state.images.forEach((i, n) => (i.order_index = n));
    const primary = state.images.find((i) => i.is_primary) ?? null;
    state.entity = { ...state.entity, gallery_count: state.images.length, avatar_url: primary ? `${primary.url}?v=${state.entity.representative_image_version}` : null };
  };
  const bump = () => (state.entity.representative_image_version += 1);
  sync();
  const idOf = (req: FakeRequest) => req.params?.path?.asset_id ?? '';
  fakeServer.routes.set('GET /characters', (req) => ({ body: req.params?.query?.mine === 'true' ? (state.entity.is_owner ? [state.entity] : []) : state.entity.is_public ? [state.entity] : [] }));
  fakeServer.routes.set('GET /characters/{id}', () => ({ body: state.entity }));
  fakeServer.routes.set('GET /characters/{id}/images', () => ({ body: state.images.map((i) => ({ ...i })) }));
  fakeServer.routes.set('GET /characters/{id}/prompt-prefill', () => ({ body: { prompt: 'Portrait of 하늘. 은발의 검객 🗡️', style: 'anime', ratio: '3:4', count: 4 } }));
  fakeServer.routes.set('GET /media/options', () => ({ body: OPTIONS }));
  fakeServer.routes.set('PATCH /characters/{id}/images/{asset_id}/primary', (req) => {
    state.images.forEach((i) => (i.is_primary = i.id === idOf(req)));
    bump();
    sync();
    return { body: state.entity };
  });
  fakeServer.routes.set('DELETE /characters/{id}/images/{asset_id}', (req) => {
    const gone = state.images.find((i) => i.id === idOf(req));
    state.images = state.images.filter((i) => i !== gone);
    if (gone?.is_primary && state.images[0]) {
      state.images[0].is_primary = true;
      bump();
    }
    sync();
    return { body: state.entity };
  });
  fakeServer.routes.set('PATCH /characters/{id}/images/order', (req) => {
    const ids = (req.body as { ids: string[] }).ids;
    const have = state.images.map((i) => i.id);
    if (ids.length !== have.length || !have.every((x) => ids.includes(x))) return fail(400, 'ORDER_MISMATCH', 'ids must list each of this gallery\'s images exactly once');
    state.images = ids.map((x) => state.images.find((i) => i.id === x)!);
    sync();
    return { body: state.images.map((i) => ({ ...i })) };
  });
  fakeServer.routes.set('POST /characters/{id}/images/{asset_id}/crop', (req) => {
    const at = state.images.findIndex((i) => i.id === idOf(req));
    const box = req.body as { width: number; height: number };
    const made = image(`crop_${state.images.length + 1}`, { source_id: idOf(req), width: box.width, height: box.height });
    state.images.splice(at + 1, 0, made);
    sync();
    return { status: 201, body: made };
  });
  return state;
}
