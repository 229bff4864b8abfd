import { and, asc, desc, eq } from 'drizzle-orm';
import type { Entity, MediaAsset, Repos } from '../../core/ports/store';
import type { Db } from './repos';
import * as t from './schema';

const toEntity = (r: typeof t.entities.$inferSelect): Entity => r as Entity;
const toMediaAsset = (r: typeof t.mediaAssets.$inferSelect): MediaAsset => r as MediaAsset;

/** Seed 004's tables: entities and their galleries (media_assets). */
export function galleryRepos(db: Db): Pick<Repos, 'entities' | 'mediaAssets'> {
  return {
    entities: {
      async insert(entity) {
        const [row] = await db.insert(t.entities).values(entity).returning();
        return toEntity(row!);
      },
      async get(id) {
        const [row] = await db.select().from(t.entities).where(eq(t.entities.id, id));
        return row ? toEntity(row) : null;
      },
      async getForUpdate(id) {
        const [row] = await db.select().from(t.entities).where(eq(t.entities.id, id)).for('update');
        return row ? toEntity(row) : null;
      },
      async list(q) {
        const who = q.userId === undefined ? eq(t.entities.isPublic, true) : eq(t.entities.userId, q.userId);
        const rows = await db.select().from(t.entities).where(and(eq(t.entities.kind, q.kind), who))
          .orderBy(desc(t.entities.createdAt), desc(t.entities.id)).limit(q.limit);
        return rows.map(toEntity);
      },
      async update(id, patch) {
        const [row] = await db.update(t.entities).set(patch).where(eq(t.entities.id, id)).returning();
        return row ? toEntity(row) : null;
      },
      async delete(id) {
        const rows = await db.delete(t.entities).where(eq(t.entities.id, id)).returning({ id: t.entities.id });
        return rows.length > 0;
      },
    },
    mediaAssets: {
      async insert(row) {
        const [out] = await db.insert(t.mediaAssets).values(row).returning();
        return toMediaAsset(out!);
      },
      async get(id) {
        const [row] = await db.select().from(t.mediaAssets).where(eq(t.mediaAssets.id, id));
        return row ? toMediaAsset(row) : null;
      },
      async listForEntity(entityId) {
        const rows = await db.select().from(t.mediaAssets).where(eq(t.mediaAssets.entityId, entityId))
          .orderBy(asc(t.mediaAssets.orderIndex), asc(t.mediaAssets.createdAt), asc(t.mediaAssets.id));
        return rows.map(toMediaAsset);
      },
      async update(id, patch) {
        await db.update(t.mediaAssets).set(patch).where(eq(t.mediaAssets.id, id));
      },
      async delete(id) {
        const rows = await db.delete(t.mediaAssets).where(eq(t.mediaAssets.id, id)).returning({ id: t.mediaAssets.id });
        return rows.length > 0;
      },
    },
  };
}
