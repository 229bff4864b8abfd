import type { Plan } from '../core/ports/store';
import type { Deps } from '../services/deps';
import type { PipelineDef } from '../engine/pipeline';
import type { AppPlanLimits } from '../services/identity/plan-limits';
import type { newRouter } from './app-env';
import type { Mount } from './mounts';
import type { Platform } from './platform';

/**
 * One app on the platform: a folder under `server/src/apps/` that exports one of these. The
 * composition mounts every app of its list (composition/apps.ts); an app imports the platform and
 * never another app.
 */
export interface AppModule {
  /** The app's name: `jobs.app` of its jobs, and its key in the plan limits. */
  name: string;
  /** The path prefixes its contract owns, each with the error shape its seed writes. */
  mounts: readonly Mount[];
  /** Its routes, with their OpenAPI definitions. */
  routes(platform: Platform): ReturnType<typeof newRouter>;
  /** The console pages it adds (served the console's index.html; console/src/apps/<app>/app.ts draws them). */
  consolePaths: readonly string[];
  /** The pipelines its jobs run. */
  pipelines: readonly PipelineDef[];
  /** What each plan allows in this app: the engine's admission enforces `runningJobs`, the app its own counts. */
  planLimits: Record<Plan, AppPlanLimits>;
  /** Its housekeeping, run by the reconciler about once a minute (rules: drafts never run); resolves to how many things it changed. */
  sweep?: (deps: Deps, now: Date) => Promise<number>;
  /** Credits of its priced actions by action name (`image`), the defaults the PRICES setting may change. */
  prices?: Record<string, number>;
}
