import { api, unwrap } from '../../platform/api/client';
import type { components } from '../../platform/api/schema';

type Schemas = components['schemas'];
export type GalleryEntity = Schemas['GalleryEntity'];
export type GalleryImage = Schemas['GalleryImage'];
export type GalleryBatch = Schemas['GalleryBatch'];
export type GalleryOptions = Schemas['GalleryOptions'];
export type GenerateRequest = Schemas['GalleryGenerateRequest'];
export type PromptPrefill = Schemas['GalleryPromptPrefill'];
export type Style = GenerateRequest['style'];
export type Ratio = GenerateRequest['ratio'];
export type CropBox = Schemas['GalleryCrop'];
export type EntityKind = GalleryEntity['entity_type'];

/** The three collections of the paths (`/characters/{id}`, `/gallery/characters/{id}`), in the tabs' order. */
export const COLLECTIONS = ['characters', 'stories', 'origchats'] as const;
export type Collection = (typeof COLLECTIONS)[number];
export const KIND_OF: Record<Collection, EntityKind> = { characters: 'character', stories: 'story', origchats: 'origchat' };
export const isCollection = (word: string | undefined): word is Collection => (COLLECTIONS as readonly string[]).includes(word ?? '');

/** What a create form sends: a story's name is its `title`; the other fields as the kind has them. */
export type CreateBody = Schemas['CharacterCreate'] | Schemas['StoryCreate'] | Schemas['OrigchatCreate'];

/** An entity's name as the API spells it by kind (a story's is its title). */
export const entityName = (e: Pick<GalleryEntity, 'name' | 'title'>) => e.name ?? e.title ?? '';

const one = (id: string) => ({ params: { path: { id } } });
const image = (id: string, assetId: string) => ({ params: { path: { id, asset_id: assetId } } });

/**
 * The typed client has a path literal per collection; these pick the right one. Each collection's
 * routes have the same shapes, so one is used for the types.
 */
const routes = {
  characters: {
    list: '/characters', one: '/characters/{id}', prefill: '/characters/{id}/prompt-prefill', images: '/characters/{id}/images',
    primary: '/characters/{id}/images/{asset_id}/primary', order: '/characters/{id}/images/order', image: '/characters/{id}/images/{asset_id}', crop: '/characters/{id}/images/{asset_id}/crop',
  },
  stories: {
    list: '/stories', one: '/stories/{id}', prefill: '/stories/{id}/prompt-prefill', images: '/stories/{id}/images',
    primary: '/stories/{id}/images/{asset_id}/primary', order: '/stories/{id}/images/order', image: '/stories/{id}/images/{asset_id}', crop: '/stories/{id}/images/{asset_id}/crop',
  },
  origchats: {
    list: '/origchats', one: '/origchats/{id}', prefill: '/origchats/{id}/prompt-prefill', images: '/origchats/{id}/images',
    primary: '/origchats/{id}/images/{asset_id}/primary', order: '/origchats/{id}/images/order', image: '/origchats/{id}/images/{asset_id}', crop: '/origchats/{id}/images/{asset_id}/crop',
  },
} as const;
type R = (typeof routes)['characters'];
const at = (c: Collection) => routes[c] as unknown as R;

/** Seed 004's endpoints (`/characters`, `/stories`, `/origchats`, `/media/*`; platform errors `{error: {code, message, ...}}`), typed from the server's OpenAPI document. */
export const galleryApi = {
  options: async () => unwrap(await api.GET('/media/options')),
  list: async (c: Collection, mine: boolean) => unwrap(await api.GET(at(c).list, { params: { query: mine ? { mine: 'true' } : {} } })),
  create: async (c: Collection, body: CreateBody) => unwrap(await api.POST(at(c).list, { body: body as Schemas['CharacterCreate'] })),
  entity: async (c: Collection, id: string) => unwrap(await api.GET(at(c).one, one(id))),
  prefill: async (c: Collection, id: string) => unwrap(await api.GET(at(c).prefill, one(id))),
  images: async (c: Collection, id: string) => unwrap(await api.GET(at(c).images, one(id))),
  setPrimary: async (c: Collection, id: string, assetId: string) => unwrap(await api.PATCH(at(c).primary, image(id, assetId))),
  order: async (c: Collection, id: string, ids: string[]) => unwrap(await api.PATCH(at(c).order, { ...one(id), body: { ids } })),
  deleteImage: async (c: Collection, id: string, assetId: string) => unwrap(await api.DELETE(at(c).image, image(id, assetId))),
  crop: async (c: Collection, id: string, assetId: string, box: CropBox) => unwrap(await api.POST(at(c).crop, { ...image(id, assetId), body: box })),
  generate: async (body: GenerateRequest) => unwrap(await api.POST('/media/generate', { body })),
  batch: async (jobId: string) => unwrap(await api.GET('/media/jobs/{job_id}', { params: { path: { job_id: jobId } } })),
  cancel: async (jobId: string) => unwrap(await api.POST('/media/jobs/{job_id}/cancel', { params: { path: { job_id: jobId } } })),
};

/**
 * Query keys the pages share. Everything of a collection starts with `['gallery', c]`, so one
 * invalidation after a change to a gallery reads again the entity, its images and the lists its
 * card is in (the card's image is the primary).
 */
export const galleryKeys = {
  options: ['gallery', 'options'] as const,
  collection: (c: Collection) => ['gallery', c] as const,
  list: (c: Collection, mine: boolean) => ['gallery', c, 'list', mine ? 'mine' : 'public'] as const,
  entity: (c: Collection, id: string) => ['gallery', c, 'entity', id] as const,
  images: (c: Collection, id: string) => ['gallery', c, 'images', id] as const,
  prefill: (c: Collection, id: string) => ['gallery', 'prefill', c, id] as const,
  batch: (jobId: string) => ['gallery', 'batch', jobId] as const,
};

/** A batch that changes no more: polling stops, cancel is gone, the toast shows. */
export const batchEnded = (status: GalleryBatch['status']) => status === 'completed' || status === 'failed' || status === 'cancelled';

/** The console's pages of the app: the list, and an entity's detail page. */
export const GALLERY_PATH = '/gallery';
export const detailPath = (c: Collection, id: string) => `${GALLERY_PATH}/${c}/${encodeURIComponent(id)}`;

/** The path's page: `/gallery` (with the tab in `?tab=`) or `/gallery/:collection/:id`. */
export function galleryRoute(pathname: string): { page: 'list' } | { page: 'detail'; collection: Collection; id: string } {
  const m = pathname.match(/^\/gallery\/([^/]+)\/([^/]+)$/);
  if (m && isCollection(m[1])) return { page: 'detail', collection: m[1], id: decodeURIComponent(m[2]!) };
  return { page: 'list' };
}
