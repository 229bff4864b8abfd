import { FatalStepError } from '../../core/jobs/step-errors';
import { nearDuplicateOf } from '../../core/media/phash';
import type { Entity, Job, Json, MediaAsset, Repos } from '../../core/ports/store';
import { GalleryJobInput, ImageItemOutput } from './gallery-input';

/** The stable path of an image (the seed's `media_assets.url`): served to whoever may see the entity. */
export const imagePath = (assetId: string) => `/media/assets/${assetId}`;

/** The admission key of an entity's batches: one running at a time. */
export const galleryEntityKey = (entityId: string) => `gallery:${entityId}`;

/** The entity's `avatar_url`: its primary image's path, versioned so a cached card shows a new primary at once. */
export const avatarUrlOf = (primaryId: string | null, version: number) => (primaryId ? `${imagePath(primaryId)}?v=${version}` : null);

/** The primary image's id an `avatar_url` names (avatarUrlOf's inverse), or null. */
export const primaryIdOf = (entity: Pick<Entity, 'avatarUrl'>) => entity.avatarUrl?.split('?')[0]!.split('/').pop() ?? null;

/**
 * The seed's columns after a change to the entity's gallery (rows as they are now): the count, and
 * when the primary changed the avatar and a new representative_image_version. Call under the
 * entity's row lock.
 */
export async function syncEntityColumns(repos: Repos, entity: Entity, rows: MediaAsset[], now: Date): Promise<Entity> {
  const primary = rows.find((r) => r.isPrimary) ?? null;
  const changed = (primary?.id ?? null) !== primaryIdOf(entity);
  const version = entity.representativeImageVersion + (changed ? 1 : 0);
  return (await repos.entities.update(entity.id, {
    galleryCount: rows.length, representativeImageVersion: version, avatarUrl: avatarUrlOf(primary?.id ?? null, version), updatedAt: now,
  }))!;
}

/**
 * The pipeline's onItemSettled: a finished image joins its entity's gallery, in the transaction
 * that settles its item. Last in order; primary when the gallery has none (its avatar follows).
 * Nothing happens for a failed or blocked image, or when the entity was deleted meanwhile. A
 * near-duplicate of an image already placed (a sibling that finished at the same moment) throws
 * DUPLICATE_IMAGE: the check under the entity's lock is the one that decides.
 */
export async function placeGeneratedImage(repos: Repos, job: Job, settled: { idx: number; output: Json | null }, now: Date): Promise<void> {
  if (settled.output === null) return;
  const input = GalleryJobInput.parse(job.input);
  const out = ImageItemOutput.parse(settled.output);
  const entity = await repos.entities.getForUpdate(input.entity.id);
  if (!entity) return;
  const rows = await repos.mediaAssets.listForEntity(entity.id);
  if (rows.some((r) => r.id === out.assetId)) return;
  // The step compared with what was kept when it looked; a sibling may have been placed since.
  // Thrown, this rolls the settle back and the step settles the image as a blocked duplicate.
  if (nearDuplicateOf(out.phash, rows.flatMap((r) => (r.phash ? [r.phash] : [])))) {
    throw new FatalStepError('A near-duplicate of an image this gallery has; not kept twice', 'DUPLICATE_IMAGE');
  }
  const row = await repos.mediaAssets.insert({
    id: out.assetId, entityType: entity.kind, entityId: entity.id, url: imagePath(out.assetId), width: out.width, height: out.height,
    isPrimary: !rows.some((r) => r.isPrimary), orderIndex: rows.reduce((m, r) => Math.max(m, r.orderIndex + 1), 0), status: 'ready',
    provider: out.provider, seed: out.seed, style: input.style, ratio: input.ratio, phash: out.phash, jobId: job.id, sourceId: null, createdAt: now,
  });
  await syncEntityColumns(repos, entity, [...rows, row], now);
}
