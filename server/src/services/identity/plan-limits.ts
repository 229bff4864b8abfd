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
export const PLAN_LIMITS: Record<Plan, { clips: ClipsPlanLimits }> = {
  free: { clips: { runningJobs: 1, quickPerDay: QUICK_PER_DAY } },
  pro: { clips: { runningJobs: 3, quickPerDay: QUICK_PER_DAY } },
};

/** The limits /v1/me lists: the plan's, plus the hourly upload limits every plan shares (settings). */
export function limitsFor(plan: Plan, settings: Pick<Settings, 'uploadsPerHour' | 'uploadBytesPerHour'>) {
  return { clips: { ...PLAN_LIMITS[plan].clips, uploadsPerHour: settings.uploadsPerHour, uploadBytesPerHour: settings.uploadBytesPerHour } };
}
