import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '../../core/errors/app-error';
import type { AppRecord, JsonObject } from '../../core/ports/store';
import type { Deps } from '../deps';
import type { Actor } from '../jobs/actor';

/** Which records: one app's one kind (seed 003's `rules.rule`). */
export interface RecordKind {
  app: string;
  kind: string;
}

/** The slots a plan allows and the refusal past them (seed 003: RULE_SLOT_FULL 403). */
export interface RecordSlots {
  limit: number;
  code: string;
  message: (limit: number) => string;
}

/**
 * A new record of the user's, within the plan's slots: the count and the insert run under the
 * user's row lock, so concurrent saves cannot pass the limit together. Past it: 403 `slots.code`
 * with `limit` and `used`.
 */
export async function createRecord(deps: Pick<Deps, 'store' | 'clock'>, userId: string, of: RecordKind, input: { name: string; body: JsonObject }, slots: RecordSlots): Promise<AppRecord> {
  return deps.store.tx(async (r) => {
    await r.users.getForUpdate(userId);
    const used = await r.records.count({ userId, ...of });
    if (used >= slots.limit) throw new AppError('forbidden', slots.code, slots.message(slots.limit), { limit: slots.limit, used });
    const now = deps.clock.now();
    return r.records.insert({ id: `rec_${randomUUID().replace(/-/g, '')}`, userId, ...of, name: input.name, body: input.body, createdAt: now, updatedAt: now });
  });
}

/**
 * The actor's record of that kind; `notFoundCode` when there is none, it is of another kind, or it
 * is another user's (in the same words: nobody learns that someone else's id exists). An admin
 * reaches anyone's.
 */
export async function getRecord(deps: Pick<Deps, 'store'>, actor: Actor, id: string, of: RecordKind, notFoundCode = 'NOT_FOUND'): Promise<AppRecord> {
  const record = await deps.store.read((r) => r.records.get(id));
  if (!record || record.app !== of.app || record.kind !== of.kind || (record.userId !== actor.userId && !actor.isAdmin)) {
    throw notFound(notFoundCode, `No ${of.kind} ${id}`);
  }
  return record;
}

export const listRecords = (deps: Pick<Deps, 'store'>, userId: string, of: RecordKind) => deps.store.read((r) => r.records.list({ userId, ...of }));
export const countRecords = (deps: Pick<Deps, 'store'>, userId: string, of: RecordKind) => deps.store.read((r) => r.records.count({ userId, ...of }));

/** Changes the actor's record (its name, its body, or both). */
export async function updateRecord(deps: Pick<Deps, 'store' | 'clock'>, actor: Actor, id: string, of: RecordKind, patch: { name?: string; body?: JsonObject }): Promise<AppRecord> {
  await getRecord(deps, actor, id, of);
  const updated = await deps.store.tx((r) => r.records.update(id, { ...patch, updatedAt: deps.clock.now() }));
  if (!updated) throw notFound('NOT_FOUND', `No ${of.kind} ${id}`);
  return updated;
}

/** Deletes the actor's record; a second delete is 404 (it is gone). */
export async function deleteRecord(deps: Pick<Deps, 'store'>, actor: Actor, id: string, of: RecordKind): Promise<void> {
  await getRecord(deps, actor, id, of);
  if (!(await deps.store.tx((r) => r.records.delete(id)))) throw notFound('NOT_FOUND', `No ${of.kind} ${id}`);
}
