import type { AppRecord, JsonObject } from '../../core/ports/store';
import type { Deps } from '../../services/deps';
import { appLimits } from '../../services/identity/plan-limits';
import type { Actor } from '../../services/jobs/actor';
import { countRecords, createRecord, deleteRecord, listRecords, updateRecord } from '../../services/records/records-service';
import { RULES_APP } from './rules-app-name';
import type { RuleOperation } from './rule-operations';

/** A saved rule is a record of the rules app (services/records), its operations the body. */
export const RULE = { app: RULES_APP, kind: 'rule' } as const;

/** A rule as seed 003 answers it. */
export function ruleView(record: AppRecord) {
  return {
    id: record.id, name: record.name, operations: (record.body as { operations: RuleOperation[] }).operations,
    created_at: record.createdAt.toISOString(), updated_at: record.updatedAt.toISOString(),
  };
}

/** Seed 003 `POST /rules`: saved within the plan's rule slots (RULE_SLOT_FULL 403 past them). */
export async function saveRule(deps: Deps, actor: Actor, input: { name: string; operations: RuleOperation[] }) {
  const user = await deps.store.read((r) => r.users.get(actor.userId));
  const limit = appLimits(deps.settings, user?.plan ?? 'free', RULES_APP).ruleSlots!;
  const record = await createRecord(deps, actor.userId, RULE, { name: input.name, body: { operations: input.operations } as unknown as JsonObject }, {
    limit, code: 'RULE_SLOT_FULL', message: (n) => `All ${n} rule slots of your plan are used; delete a rule or upgrade`,
  });
  return ruleView(record);
}

export const listRules = async (deps: Deps, userId: string) => (await listRecords(deps, userId, RULE)).map(ruleView);
export const countRules = (deps: Deps, userId: string) => countRecords(deps, userId, RULE);

export async function updateRule(deps: Deps, actor: Actor, id: string, patch: { name?: string; operations?: RuleOperation[] }) {
  const record = await updateRecord(deps, actor, id, RULE, {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.operations ? { body: { operations: patch.operations } as unknown as JsonObject } : {}),
  });
  return ruleView(record);
}

export const deleteRule = (deps: Deps, actor: Actor, id: string) => deleteRecord(deps, actor, id, RULE);
