import type { Entity } from '../../core/ports/store';
import type { Deps } from '../../services/deps';
import type { Actor } from '../../services/jobs/actor';
import { viewUrls } from './gallery-images';
import { galleryEntityKey, primaryIdOf } from './gallery-place';

/**
 * An entity as the API shows it: its fields at the top level (a story's name as `title`), whether
 * the caller owns it (the console shows "대표이미지 생성" only then), and the seed's gallery
 * columns, with `avatar_url` loadable by the caller now (a private entity's signed); to the owner,
 * the batch still generating for it (`generating_job_id`).
 */
export async function entityView(deps: Pick<Deps, 'store' | 'storage' | 'settings'>, entity: Entity, actor: Actor | null) {
  const primaryId = primaryIdOf(entity);
  const avatar = entity.isPublic || !primaryId ? entity.avatarUrl : ((await viewUrls(deps, entity, [primaryId])).get(primaryId) ?? null);
  const owner = !!actor && actor.userId === entity.userId;
  // The owner's page finds a batch still running after a reload (and what a 409 ENTITY_BUSY waits for).
  const generating = owner ? await deps.store.read((r) => r.jobs.activeOfEntity(galleryEntityKey(entity.id))) : null;
  return {
    id: entity.id,
    entity_type: entity.kind,
    ...(entity.kind === 'story' ? { title: entity.name } : { name: entity.name }),
    ...(entity.fields as Record<string, string>),
    is_public: entity.isPublic,
    is_owner: owner,
    generating_job_id: generating,
    avatar_url: avatar,
    gallery_count: entity.galleryCount,
    representative_image_version: entity.representativeImageVersion,
    created_at: entity.createdAt.toISOString(),
    updated_at: entity.updatedAt.toISOString(),
  };
}
