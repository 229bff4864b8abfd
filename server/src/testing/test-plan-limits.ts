import { APPS } from '../composition/apps';
import type { Plan } from '../core/ports/store';
import { planLimitsOf, type AppPlanLimits, type PlanLimitsTable } from '../services/identity/plan-limits';

/** Many: tests of these apps are about their steps, not their plan's running-jobs limit. */
const UNBOUNDED = 1000;
const both = (limits: AppPlanLimits): Record<Plan, AppPlanLimits> => ({ free: limits, pro: limits });

/**
 * The plan limits of the apps only tests and benchmarks submit jobs of: admission applies an app's
 * plan limits to every job, so each such app declares its own, as a real app does in its module.
 */
export const TEST_APP_LIMITS = [
  // delivery.test.ts counts two daily units of its own.
  { name: 'test', planLimits: both({ runningJobs: UNBOUNDED, itemsPerDay: 1, latePerDay: 1 }) },
  // engine.test.ts: the running-jobs limit under parallel submissions.
  { name: 'limits', planLimits: { free: { runningJobs: 3 }, pro: { runningJobs: 5 } } },
  // engine.test.ts: an entity limit and a daily count of images, 8 a batch.
  { name: 'gallery-test', planLimits: both({ runningJobs: UNBOUNDED, imagesPerDay: 24 }) },
  // platform-routes.test.ts filters a job list by app.
  { name: 'odd', planLimits: both({ runningJobs: UNBOUNDED }) },
  { name: 'even', planLimits: both({ runningJobs: UNBOUNDED }) },
  { name: 'bench', planLimits: both({ runningJobs: UNBOUNDED }) },
] as const;

/** The mounted apps' plan limits and the test apps'. */
export const testPlanLimits = (): PlanLimitsTable => planLimitsOf([...APPS, ...TEST_APP_LIMITS]);
