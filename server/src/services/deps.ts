import type { EventBus } from '../core/ports/events';
import type { GpuWork } from '../core/ports/gpu-work';
import type { MediaToolkit } from '../core/ports/media';
import type { Metrics } from '../core/ports/metrics';
import type { Providers } from '../core/ports/providers';
import type { JobQueue } from '../core/ports/queue';
import type { ObjectStorage } from '../core/ports/storage';
import type { Clock } from '../core/ports/clock';
import type { Store } from '../core/ports/store';
import type { PriceTable } from './credits/prices';
import type { PlanLimitsTable } from './identity/plan-limits';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

export type { Clock } from '../core/ports/clock';

/** Settings the services read; composition fills them from Config. */
export interface Settings {
  quotaTz: string;
  signupCredits: number;
  signupRateLimit: number;
  /** How long a worker owns a running job before another may take it over. */
  leaseMs: number;
  /** How many of one job's steps run at once when their needs are done (engine/runner.ts). */
  jobStepConcurrency: number;
  /**
   * How often the reconciler polls a prediction a step waits for (ctx.predict), unless the step
   * asks otherwise (PredictOptions.pollIntervalMs): the poll is for a webhook that never comes. 5 s.
   */
  predictionPollMs: number;
  /** How long a signed media URL handed to a browser stays valid. */
  mediaUrlTtlSec: number;
  uploadUrlTtlSec: number;
  /** Presigned uploads a user may ask for per hour, in count and declared bytes. */
  uploadsPerHour: number;
  uploadBytesPerHour: number;
  /** Unused uploads are deleted: pending ones this long after their URL expired, verified ones no job names after this long. */
  uploadPendingGraceSec: number;
  uploadUnusedTtlSec: number;
  /** Each plan's enforced limits, per app (services/identity/plan-limits.ts PLAN_LIMITS). */
  planLimits: PlanLimitsTable;
  /** Credits of priced actions by `<app>.<action>` (services/credits/prices.ts). */
  prices: PriceTable;
  /** How long an endpoint answering with a job's result waits for the job before it gives up (504, refunded). */
  syncJobDeadlineMs: number;
}

/** Everything a service or step may use, wired once by the composition. */
export interface Deps {
  store: Store;
  queue: JobQueue;
  events: EventBus;
  storage: ObjectStorage;
  providers: Providers;
  /** Tasks for GPU workers, reported back by signed callback (the rules app's images). */
  gpu: GpuWork;
  media: MediaToolkit;
  clock: Clock;
  log: Logger;
  /** Step runs and provider calls, as they happen (core/ports/metrics.ts); `noMetrics()` where nobody looks. */
  metrics: Metrics;
  settings: Settings;
}
