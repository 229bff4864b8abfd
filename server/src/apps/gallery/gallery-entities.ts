import { randomUUID } from 'node:crypto';
import { AppError, forbidden, notFound } from '../../core/errors/app-error';
import type { Entity, EntityKind, JsonObject } from '../../core/ports/store';
import type { Deps } from '../../services/deps';
import { appLimits } from '../../services/identity/plan-limits';
import type { Actor } from '../../services/jobs/actor';
import { cancelJob } from '../../services/jobs/cancel-job';
import { galleryEntityKey } from './gallery-place';
import { GALLERY_APP, MAX_PROMPT_CHARS } from './gallery-options';

/** Seed 004 "프롬프트 프리필": the fields each kind keeps, beside its name (a story's title). */
export const ENTITY_FIELDS = {
  character: ['description', 'personality', 'speech_style', 'world_summary'],
  story: ['synopsis', 'excerpt'],
  origchat: ['description', 'personality', 'speech_style', 'original_world'],
} as const satisfies Record<EntityKind, readonly string[]>;

/** What a create or an update carries: the name (a story's title), the kind's fields, the public flag. */
export interface EntityChange {
  name?: string;
  isPublic?: boolean;
  fields?: Record<string, string | null | undefined>;
}

const PREFIX: Record<EntityKind, string> = { character: 'chr', story: 'sty', origchat: 'och' };
export const entityNotFound = (kind: EntityKind, id: string) => notFound('ENTITY_NOT_FOUND', `No ${kind} ${id}`);

/** May the actor see it: public, or theirs (an admin sees all). */
export const canView = (entity: Entity, actor: Actor | null) => entity.isPublic || (!!actor && (actor.isAdmin || entity.userId === actor.userId));

/**
 * The entity of that kind, visible to the actor; 404 ENTITY_NOT_FOUND when there is none of that
 * kind or it is private and not the actor's (nobody learns a private id exists).
 */
export async function visibleEntity(deps: Pick<Deps, 'store'>, actor: Actor | null, kind: EntityKind, id: string): Promise<Entity> {
  const entity = await deps.store.read((r) => r.entities.get(id));
  if (!entity || entity.kind !== kind || !canView(entity, actor)) throw entityNotFound(kind, id);
  return entity;
}

/** The actor's own entity: 404 as `visibleEntity`, and 403 NOT_OWNER when another user's public one (seed: 오너만). */
export async function ownEntity(deps: Pick<Deps, 'store'>, actor: Actor, kind: EntityKind, id: string): Promise<Entity> {
  const entity = await visibleEntity(deps, actor, kind, id);
  if (entity.userId !== actor.userId && !actor.isAdmin) throw forbidden('NOT_OWNER', `Only the owner of this ${kind} may change it, its images, or generate for it`);
  return entity;
}

const cleanFields = (kind: EntityKind, fields: EntityChange['fields'], base: JsonObject = {}): JsonObject => {
  const out: JsonObject = { ...base };
  for (const key of ENTITY_FIELDS[kind]) {
    const value = fields?.[key];
    if (value === null || (typeof value === 'string' && !value.trim())) delete out[key];
    else if (typeof value === 'string') out[key] = value.trim();
  }
  return out;
};

/** A new entity of the actor's, within the plan's `entitiesPerKind` (403 ENTITY_LIMIT, counted under the user's row lock). */
export async function createEntity(deps: Pick<Deps, 'store' | 'clock' | 'settings'>, actor: Actor, kind: EntityKind, change: EntityChange & { name: string }): Promise<Entity> {
  return deps.store.tx(async (r) => {
    const user = await r.users.getForUpdate(actor.userId);
    const limit = appLimits(deps.settings, user?.plan ?? 'free', GALLERY_APP).entitiesPerKind!;
    const used = (await r.entities.list({ kind, userId: actor.userId, limit: limit + 1 })).length;
    if (used >= limit) throw new AppError('forbidden', 'ENTITY_LIMIT', `You have ${used} ${kind} entries, the most on the ${user?.plan ?? 'free'} plan; delete one first`, { limit, used });
    const now = deps.clock.now();
    return r.entities.insert({
      id: `${PREFIX[kind]}_${randomUUID().replace(/-/g, '')}`, userId: actor.userId, kind, name: change.name.trim(), isPublic: change.isPublic ?? false,
      fields: cleanFields(kind, change.fields), createdAt: now, updatedAt: now,
    });
  });
}

/** Changes the actor's entity: name, public flag, fields (null or blank removes one). */
export async function updateEntity(deps: Pick<Deps, 'store' | 'clock'>, actor: Actor, kind: EntityKind, id: string, change: EntityChange): Promise<Entity> {
  await ownEntity(deps, actor, kind, id);
  return deps.store.tx(async (r) => {
    const entity = await r.entities.getForUpdate(id);
    if (!entity) throw entityNotFound(kind, id);
    return (await r.entities.update(id, {
      ...(change.name !== undefined ? { name: change.name.trim() } : {}),
      ...(change.isPublic !== undefined ? { isPublic: change.isPublic } : {}),
      fields: cleanFields(kind, change.fields, entity.fields),
      updatedAt: deps.clock.now(),
    }))!;
  });
}

/**
 * Deletes the actor's entity with its gallery: a batch still generating for it is cancelled (what
 * it had not made refunded), then the rows go, and then the stored images (a crop's and a batch's
 * alike).
 */
export async function deleteEntity(deps: Deps, actor: Actor, kind: EntityKind, id: string): Promise<void> {
  await ownEntity(deps, actor, kind, id);
  // A batch still generating for it stops first: what it had not made is refunded.
  const running = await deps.store.read((r) => r.jobs.activeOfEntity(galleryEntityKey(id)));
  if (running) {
    await cancelJob(deps, actor, running).catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'JOB_WRONG_STATE')) throw err;
    });
  }
  const keys = await deps.store.tx(async (r) => {
    const rows = await r.mediaAssets.listForEntity(id);
    const assets = (await Promise.all(rows.map((row) => r.assets.get(row.id)))).filter((a) => a !== null);
    for (const a of assets) await r.assets.delete(a.id);
    if (!(await r.entities.delete(id))) throw entityNotFound(kind, id);
    return assets.map((a) => a.storageKey);
  });
  for (const key of keys) await deps.storage.delete(key).catch((err: unknown) => deps.log.warn({ err, key }, 'gallery: could not delete an image object'));
}

/** A list: the actor's own (`mine`), or everyone's public ones, newest first. */
export function listEntities(deps: Pick<Deps, 'store'>, actor: Actor | null, kind: EntityKind, mine: boolean, limit: number): Promise<Entity[]> {
  return deps.store.read((r) => r.entities.list({ kind, ...(mine && actor ? { userId: actor.userId } : {}), limit }));
}

/** Cuts to at most `max` characters, whole code points, on a word boundary when one is near. */
function clip(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd();
}

/**
 * Seed 004 "프롬프트 프리필": a prompt from what the entity says of itself. Character: name,
 * description, personality, speech style, world; story: title, synopsis or else an excerpt;
 * origchat: the character and its original world. At most MAX_PROMPT_CHARS.
 */
export function promptPrefill(entity: Entity): { prompt: string; style: 'anime'; ratio: '3:4'; count: number } {
  const f = entity.fields as Record<string, string | undefined>;
  const parts: string[] = [];
  if (entity.kind === 'story') {
    parts.push(`Cover illustration for the story "${entity.name}"`);
    if (f.synopsis) parts.push(f.synopsis);
    else if (f.excerpt) parts.push(f.excerpt);
  } else {
    parts.push(`Portrait of ${entity.name}`);
    if (f.description) parts.push(f.description);
    if (f.personality) parts.push(`Personality: ${f.personality}`);
    if (f.speech_style) parts.push(`Speech style: ${f.speech_style}`);
    if (f.world_summary) parts.push(`World: ${f.world_summary}`);
    if (f.original_world) parts.push(`Original world: ${f.original_world}`);
  }
  return { prompt: clip(parts.join('. ').replace(/\.\./g, '.'), MAX_PROMPT_CHARS), style: 'anime', ratio: '3:4', count: 4 };
}
