import { QUICK_PER_DAY } from '../../core/clips/clips-options';
import type { Plan } from '../../core/ports/store';
import type { Settings } from '../deps';

export interface ClipsPlanLimits {
  /** Clips jobs queued, running or waiting at once (checked at confirm). */
  runningJobs: number;
  /** Free quick packs a day (seed 000: 1). */
  quickPerDay: number;
}

/**
 * What each plan allows, per app. Only limits that are enforced are listed here: /v1/me shows
 * them, and an app that arrives adds its own entry with its enforcement.
 */
export type PlanLimitsTable = Record<Plan, { clips: ClipsPlanLimits }>;

/** The defaults; composition puts them in Settings.planLimits (a benchmark may lift them). */
export const PLAN_LIMITS: PlanLimitsTable = {
  free: { clips: { runningJobs: 1, quickPerDay: QUICK_PER_DAY } },
  pro: { clips: { runningJobs: 3, quickPerDay: QUICK_PER_DAY } },
};

/** The limits /v1/me lists: the plan's, plus the hourly upload limits every plan shares (settings). */
export function limitsFor(plan: Plan, settings: Pick<Settings, 'planLimits' | 'uploadsPerHour' | 'uploadBytesPerHour'>) {
  return { clips: { ...settings.planLimits[plan].clips, uploadsPerHour: settings.uploadsPerHour, uploadBytesPerHour: settings.uploadBytesPerHour } };
}
