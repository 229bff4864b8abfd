import type { Plan } from '../../core/ports/store';

/** What each plan allows; apps read their own limits from here so /v1/me can show them all. */
export const PLAN_LIMITS: Record<Plan, { concurrentJobs: number; ruleSlots: number; maxImagesPerJob: number; clipsQuickPerDay: number; galleryImagesPerDay: number }> = {
  free: { concurrentJobs: 1, ruleSlots: 2, maxImagesPerJob: 10, clipsQuickPerDay: 1, galleryImagesPerDay: 24 },
  pro: { concurrentJobs: 3, ruleSlots: 20, maxImagesPerJob: 200, clipsQuickPerDay: 1, galleryImagesPerDay: 24 },
};
