import { randomUUID, createHash } from 'node:crypto';
import { invalid, notFound } from '../../core/errors/app-error';
import { nsfwVerdict } from '../../core/media/nsfw-policy';
import { nearDuplicateOf } from '../../core/media/phash';
import type { Entity, EntityKind, MediaAsset, Repos } from '../../core/ports/store';
import type { Deps } from '../../services/deps';
import type { Actor } from '../../services/jobs/actor';
import { assetUrls } from '../../services/jobs/read-jobs';
import { canView, entityNotFound, ownEntity, visibleEntity } from './gallery-entities';
import { imagePath, syncEntityColumns } from './gallery-place';

const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** A crop smaller than this a side is not a picture anyone can use. */
export const MIN_CROP_PX = 16;

export const imageNotFound = (assetId: string) => notFound('IMAGE_NOT_FOUND', `No image ${assetId} in this gallery`);

/** An image as the API shows it (seed `GET /{entity}/{id}/images`), with the URL the caller can load now. */
export interface ImageView {
  id: string;
  url: string;
  is_primary: boolean;
  order_index: number;
  status: MediaAsset['status'];
  width: number | null;
  height: number | null;
  style: string | null;
  ratio: string | null;
  seed: number | null;
  source_id: string | null;
  created_at: string;
}

/**
 * URLs a browser can load: a public entity's images by their stable path (cacheable; anyone may
 * fetch it), a private one's signed for the media URL lifetime (an <img> sends no token).
 */
export async function viewUrls(deps: Pick<Deps, 'store' | 'storage' | 'settings'>, entity: Entity, ids: string[]): Promise<Map<string, string>> {
  if (entity.isPublic) return new Map(ids.map((id) => [id, imagePath(id)]));
  const assets = await deps.store.read((r) => Promise.all(ids.map((id) => r.assets.get(id))));
  return assetUrls(deps, assets.filter((a) => a !== null));
}

export async function imageViews(deps: Pick<Deps, 'store' | 'storage' | 'settings'>, entity: Entity, rows: MediaAsset[]): Promise<ImageView[]> {
  const urls = await viewUrls(deps, entity, rows.map((r) => r.id));
  return rows.filter((r) => urls.has(r.id)).map((r) => ({
    id: r.id, url: urls.get(r.id)!, is_primary: r.isPrimary, order_index: r.orderIndex, status: r.status,
    width: r.width, height: r.height, style: r.style, ratio: r.ratio, seed: r.seed, source_id: r.sourceId, created_at: r.createdAt.toISOString(),
  }));
}

/** Seed `GET /{entity}/{id}/images`: a public entity's to anyone, a private one's to its owner, in order. */
export async function listImages(deps: Deps, actor: Actor | null, kind: EntityKind, id: string): Promise<{ entity: Entity; images: ImageView[] }> {
  const entity = await visibleEntity(deps, actor, kind, id);
  const rows = await deps.store.read((r) => r.mediaAssets.listForEntity(id));
  return { entity, images: await imageViews(deps, entity, rows) };
}

/** A change to the owner's gallery in one transaction under the entity's row lock; the seed's columns follow. */
async function changeGallery<T>(
  deps: Deps, actor: Actor, kind: EntityKind, id: string,
  fn: (r: Repos, entity: Entity, rows: MediaAsset[]) => Promise<T>,
): Promise<{ entity: Entity; result: T }> {
  await ownEntity(deps, actor, kind, id);
  return deps.store.tx(async (r) => {
    const locked = await r.entities.getForUpdate(id);
    if (!locked) throw entityNotFound(kind, id);
    const result = await fn(r, locked, await r.mediaAssets.listForEntity(id));
    const entity = await syncEntityColumns(r, locked, await r.mediaAssets.listForEntity(id), deps.clock.now());
    return { entity, result };
  });
}

const rowOf = (rows: MediaAsset[], assetId: string) => {
  const row = rows.find((r) => r.id === assetId);
  if (!row) throw imageNotFound(assetId);
  return row;
};

/** Seed `PATCH .../images/{asset_id}/primary`: exactly one primary; the avatar and representative_image_version follow. */
export async function setPrimary(deps: Deps, actor: Actor, kind: EntityKind, id: string, assetId: string): Promise<Entity> {
  const { entity } = await changeGallery(deps, actor, kind, id, async (r, _e, rows) => {
    const row = rowOf(rows, assetId);
    if (row.isPrimary) return;
    // The old primary goes first: at most one primary per entity is a unique index.
    for (const other of rows) if (other.isPrimary) await r.mediaAssets.update(other.id, { isPrimary: false });
    await r.mediaAssets.update(row.id, { isPrimary: true });
  });
  return entity;
}

/** Seed `PATCH .../images/order {ids}`: exactly the entity's images, each once (400 ORDER_MISMATCH saying what differs). */
export async function reorderImages(deps: Deps, actor: Actor, kind: EntityKind, id: string, ids: string[]): Promise<Entity> {
  const { entity } = await changeGallery(deps, actor, kind, id, async (r, _e, rows) => {
    const have = new Set(rows.map((row) => row.id));
    const repeated = ids.filter((x, i) => ids.indexOf(x) !== i);
    const unknown = ids.filter((x) => !have.has(x));
    const missing = rows.map((row) => row.id).filter((x) => !ids.includes(x));
    if (repeated.length || unknown.length || missing.length) {
      const what = [
        missing.length ? `missing ${missing.join(', ')}` : '', unknown.length ? `not in this gallery ${unknown.join(', ')}` : '', repeated.length ? `repeated ${repeated.join(', ')}` : '',
      ].filter(Boolean).join('; ');
      throw invalid('ORDER_MISMATCH', `ids must list each of this gallery's ${rows.length} images exactly once: ${what}. Reload the gallery and try again`, { missing, unknown, repeated });
    }
    for (const [index, assetId] of ids.entries()) {
      if (rows.find((row) => row.id === assetId)!.orderIndex !== index) await r.mediaAssets.update(assetId, { orderIndex: index });
    }
  });
  return entity;
}

/** Seed `DELETE .../images/{asset_id}`: the image and its object; when it was the primary, the next by order takes over. */
export async function deleteImage(deps: Deps, actor: Actor, kind: EntityKind, id: string, assetId: string): Promise<Entity> {
  const { entity, result: key } = await changeGallery(deps, actor, kind, id, async (r, _e, rows) => {
    const row = rowOf(rows, assetId);
    const asset = await r.assets.get(assetId);
    await r.assets.delete(assetId);
    await r.mediaAssets.delete(assetId);
    if (row.isPrimary) {
      const next = rows.find((other) => other.id !== assetId);
      if (next) await r.mediaAssets.update(next.id, { isPrimary: true });
    }
    return asset?.storageKey ?? null;
  });
  if (key) await deps.storage.delete(key).catch((err: unknown) => deps.log.warn({ err, key }, 'gallery: could not delete an image object'));
  return entity;
}

export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Seed "크롭": a new image cut from one of the gallery's, in source pixels; the original stays. The
 * crop joins the gallery right after its source, screened like a generated image (an enlarged part
 * of a picture is a new picture). Free: nothing is generated.
 */
export async function cropImage(deps: Deps, actor: Actor, kind: EntityKind, id: string, assetId: string, rect: CropRect): Promise<{ entity: Entity; image: ImageView }> {
  const entity = await ownEntity(deps, actor, kind, id);
  const { row, asset } = await deps.store.read(async (r) => ({ row: await r.mediaAssets.get(assetId), asset: await r.assets.get(assetId) }));
  if (!row || row.entityId !== entity.id || !asset) throw imageNotFound(assetId);
  const w = row.width ?? 0;
  const h = row.height ?? 0;
  if (rect.width < MIN_CROP_PX || rect.height < MIN_CROP_PX) throw invalid('CROP_TOO_SMALL', `The crop must be at least ${MIN_CROP_PX}x${MIN_CROP_PX} px; got ${rect.width}x${rect.height}`);
  if (rect.x + rect.width > w || rect.y + rect.height > h) {
    throw invalid('CROP_OUT_OF_BOUNDS', `The crop ${rect.width}x${rect.height} at (${rect.x}, ${rect.y}) reaches outside the ${w}x${h} image`, { width: w, height: h });
  }
  const source = await deps.storage.get(asset.storageKey, MAX_IMAGE_BYTES);
  if (!source) throw imageNotFound(assetId);
  const cut = await deps.media.cropImage(source, { left: rect.x, top: rect.y, width: rect.width, height: rect.height });
  const screening = await deps.media.screenImage(cut.png);
  const nsfw = nsfwVerdict(screening.nsfw);
  if (nsfw) throw invalid('CONTENT_BLOCKED', `The crop was blocked by the content guard: ${nsfw}`);
  const rows = await deps.store.read((r) => r.mediaAssets.listForEntity(entity.id));
  if (nearDuplicateOf(screening.phash, rows.flatMap((r) => (r.phash ? [r.phash] : [])))) {
    throw invalid('DUPLICATE_IMAGE', 'This crop is the same picture as an image the gallery has (crop a smaller part); not kept twice');
  }
  const newId = `ast_${randomUUID().replace(/-/g, '')}`;
  const storageKey = `gallery/${entity.id}/${newId}.png`;
  await deps.storage.put(storageKey, cut.png, 'image/png');
  try {
    const { result } = await changeGallery(deps, actor, kind, id, async (r, _e, rows) => {
      const src = rows.find((x) => x.id === assetId);
      if (!src) throw imageNotFound(assetId);
      // Room right after the source.
      for (const later of rows) if (later.orderIndex > src.orderIndex) await r.mediaAssets.update(later.id, { orderIndex: later.orderIndex + 1 });
      await r.assets.upsert({
        id: newId, userId: entity.userId, jobId: null, slot: null, itemIdx: null, kind: 'image', storageKey, mime: 'image/png', size: cut.png.length,
        width: cut.width, height: cut.height, durationSec: null, sha256: createHash('sha256').update(cut.png).digest('hex'), phash: screening.phash,
        meta: { croppedFrom: assetId, rect: { ...rect } },
      });
      return r.mediaAssets.insert({
        id: newId, entityType: entity.kind, entityId: entity.id, url: imagePath(newId), width: cut.width, height: cut.height, isPrimary: false,
        orderIndex: src.orderIndex + 1, status: 'ready', provider: src.provider, seed: src.seed, style: src.style, ratio: null, phash: screening.phash,
        jobId: null, sourceId: assetId, createdAt: deps.clock.now(),
      });
    });
    const fresh = (await deps.store.read((r) => r.entities.get(entity.id)))!;
    const [image] = await imageViews(deps, fresh, [result]);
    return { entity: fresh, image: image! };
  } catch (err) {
    await deps.storage.delete(storageKey).catch(() => undefined);
    throw err;
  }
}

/** The stored image behind a stable path (`GET /media/assets/{id}`), for whoever may see its entity; 404 otherwise. */
export async function imageObject(deps: Pick<Deps, 'store'>, actor: Actor | null, assetId: string): Promise<{ storageKey: string; isPublic: boolean }> {
  const found = await deps.store.read(async (r) => {
    const row = await r.mediaAssets.get(assetId);
    if (!row) return null;
    const [entity, asset] = await Promise.all([r.entities.get(row.entityId), r.assets.get(assetId)]);
    return entity && asset ? { entity, asset } : null;
  });
  if (!found || !canView(found.entity, actor)) throw imageNotFound(assetId);
  return { storageKey: found.asset.storageKey, isPublic: found.entity.isPublic };
}
