import type { Plan } from '../../core/ports/store';
import type { Settings } from '../deps';

/**
 * One app's limits under one plan. `runningJobs` (jobs queued, running or waiting at once) is the
 * engine's, enforced at admission for every app; an app adds its own named counts (clips'
 * `quickPerDay`). Only limits that are enforced are listed: /v1/me shows them.
 */
export type AppPlanLimits = { runningJobs: number } & Record<string, number>;

/** Every plan's limits, by app name: built by the composition from the apps' modules. */
export type PlanLimitsTable = Record<Plan, Record<string, AppPlanLimits>>;

/** The table of the apps given, each contributing its own entry. */
export function planLimitsOf(apps: readonly { name: string; planLimits: Record<Plan, AppPlanLimits> }[]): PlanLimitsTable {
  const table: PlanLimitsTable = { free: {}, pro: {} };
  for (const app of apps) for (const plan of Object.keys(table) as Plan[]) table[plan][app.name] = app.planLimits[plan];
  return table;
}

/**
 * One app's limits for a plan. Throws when the app has none: every app declares its plan limits in
 * its module, so a missing entry is a wiring fault, not a user's.
 */
export function appLimits(settings: Pick<Settings, 'planLimits'>, plan: Plan, app: string): AppPlanLimits {
  const limits = settings.planLimits[plan]?.[app];
  if (!limits) throw new Error(`No ${plan} plan limits for app ${app}`);
  return limits;
}

/** The limits /v1/me lists: each app's under the plan, plus the hourly upload limits every plan shares. */
export function limitsFor(plan: Plan, settings: Pick<Settings, 'planLimits' | 'uploadsPerHour' | 'uploadBytesPerHour'>) {
  const uploads = { uploadsPerHour: settings.uploadsPerHour, uploadBytesPerHour: settings.uploadBytesPerHour };
  return Object.fromEntries(Object.entries(settings.planLimits[plan]).map(([app, limits]) => [app, { ...limits, ...uploads }]));
}
