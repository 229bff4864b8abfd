import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/config';
import type { EventBus } from '../core/ports/events';
import type { JobQueue } from '../core/ports/queue';
import type { ObjectStorage } from '../core/ports/storage';
import type { Providers } from '../core/ports/providers';
import type { MediaToolkit } from '../core/ports/media';
import { openPgliteStore } from '../adapters/db/pglite-store';
import { openPostgresStore } from '../adapters/db/postgres-store';
import { describeSchema, schemaUsable, type MigratableStore, type SchemaStatus } from '../adapters/db/schema-status';
import { createApp } from '../http/app';
import type { Platform } from '../http/platform';
import { PipelineRegistry } from '../engine/pipeline';
import { Reconciler } from '../engine/reconciler';
import { PipelineRunner } from '../engine/runner';
import { systemClock } from '../core/ports/clock';
import type { Clock, Deps, Logger, Settings } from '../services/deps';
import { planLimitsOf } from '../services/identity/plan-limits';
import { APPS } from './apps';
import { TokenService } from '../services/identity/tokens';
import { UserCache } from '../services/identity/user-cache';
import { JobDetailCache } from '../services/jobs/job-detail-cache';
import { Worker } from '../worker/worker';
import { closeWithin } from './close-within';
import { createLogger } from './logger';
import { openAdapters } from './open-adapters';
import { createPromMetrics } from '../adapters/metrics/prom-metrics';
import { readOperatingSnapshot } from '../services/metrics/operating-snapshot';
import { listProviders } from './provider-lists';
import { providerWebhooks } from './provider-webhooks';
import { recordedModeration } from '../services/providers/provider-calls';
import { pricesOf } from '../services/credits/prices';
import { openGpuWork } from './open-gpu-work';
import type { GpuTaskQueue } from '../core/ports/gpu-work';
import { newGpuWorker } from './gpu-worker-process';
import type { GpuWorker } from '../worker/gpu-worker';

export interface BuildOptions {
  role: 'start' | 'api' | 'worker' | 'migrate' | 'test';
  logger?: Logger;
  clock?: Clock;
  settings?: Partial<Settings>;
  workerId?: string;
  /** Extra pipelines (tests and benchmarks register their own). */
  pipelines?: (registry: PipelineRegistry) => void;
  /** Replace adapters (tests inject fakes for external AI services only). */
  overrides?: Partial<{ providers: Providers; media: MediaToolkit; queue: JobQueue; gpuQueue: GpuTaskQueue; events: EventBus; storage: ObjectStorage }>;
  /**
   * How this process's GPU worker reaches task URLs: over the network (default), or through this
   * app in-process (tests, whose PUBLIC_URL is no real host).
   */
  gpuFetch?: 'network' | 'in-process';
  queueName?: string;
  reconcileEveryMs?: number;
  staleQueuedMs?: number;
  /** Embedded mode only: keep the database in memory (tests). */
  memoryDatabase?: boolean;
}

export interface BuiltPlatform {
  app: ReturnType<typeof createApp>;
  platform: Platform;
  deps: Deps;
  runner: PipelineRunner;
  reconciler: Reconciler;
  worker: Worker;
  /** A GPU worker in this process (`start`; GPU_WORKER_CONCURRENCY > 0), taking tasks from the GPU task queue. */
  gpuWorker: GpuWorker | null;
  gpuQueue: GpuTaskQueue;
  migrate(): Promise<void>;
  /** How the database's applied migrations compare with the committed ones. */
  schemaStatus(): Promise<SchemaStatus>;
  close(): Promise<void>;
}

/** Each resource gets this long to close; the CLI bounds the whole shutdown separately. */
const CLOSE_TIMEOUT_MS = 5_000;

/** The one place that picks concrete adapters and wires them into services, pipelines and HTTP. */
export async function buildPlatform(config: Config, opts: BuildOptions): Promise<BuiltPlatform> {
  const log = opts.logger ?? createLogger(config.env.LOG_LEVEL);
  // One clock for the services, the engine and the rows the store writes.
  const clock = opts.clock ?? systemClock;
  const store: MigratableStore =
    config.mode.database === 'postgres'
      ? await openPostgresStore(config.env.DATABASE_URL!, { clock })
      : await openPgliteStore(opts.memoryDatabase ? undefined : pgliteDir(config), clock);
  const adapters = await openAdapters(config, log, { queueName: opts.queueName, clock, ...opts.overrides });

  const settings: Settings = {
    quotaTz: config.env.QUOTA_TZ,
    signupCredits: config.env.SIGNUP_CREDITS,
    signupRateLimit: config.env.SIGNUP_RATE_LIMIT,
    leaseMs: config.env.JOB_LEASE_MS,
    jobStepConcurrency: config.env.JOB_STEP_CONCURRENCY,
    predictionPollMs: 5_000,
    mediaUrlTtlSec: 3600,
    uploadUrlTtlSec: 60,
    uploadsPerHour: config.env.UPLOADS_PER_HOUR,
    uploadBytesPerHour: config.env.UPLOAD_MB_PER_HOUR * 1024 * 1024,
    uploadPendingGraceSec: 600,
    uploadUnusedTtlSec: 24 * 3600,
    planLimits: planLimitsOf(APPS),
    prices: pricesOf(APPS, config.env.PRICES),
    syncJobDeadlineMs: config.env.SYNC_JOB_DEADLINE_SEC * 1000,
    ...opts.settings,
  };
  // One registry per platform: its histograms are this process's, its gauges read at each scrape.
  const metrics = createPromMetrics({
    snapshot: () => readOperatingSnapshot({ store, queue: adapters.queue }),
    onSnapshotError: (err) => log.warn({ err }, 'metrics: reading the database and queue figures failed'),
  });
  const deps: Deps = {
    store,
    queue: adapters.queue,
    events: adapters.events,
    storage: adapters.storage,
    // Moderation answers outside any job: its calls are recorded here; a step's predictions by the engine.
    providers: { ...adapters.providers, moderation: recordedModeration({ store, clock, log, metrics }, adapters.providers.moderation) },
    gpu: openGpuWork(config, { storage: adapters.storage, gpuQueue: adapters.gpuQueue, clock }),
    media: adapters.media,
    clock,
    log,
    metrics,
    settings,
  };

  const pipelines = new PipelineRegistry();
  for (const appModule of APPS) for (const def of appModule.pipelines) pipelines.register(def);
  opts.pipelines?.(pipelines);
  const runner = new PipelineRunner(deps, pipelines, { workerId: opts.workerId });
  const reconciler = new Reconciler(deps, pipelines, runner, { staleQueuedMs: opts.staleQueuedMs ?? 30_000, sweeps: APPS.flatMap((a) => (a.sweep ? [a.sweep] : [])) });
  const worker = new Worker(deps, runner, reconciler, {
    concurrency: config.env.WORKER_CONCURRENCY,
    // One process owns an embedded database, so at start nothing else can be running its jobs.
    soleWorker: config.mode.database === 'pglite',
    reconcileEveryMs: opts.reconcileEveryMs ?? 2_000,
    shutdownGraceMs: config.env.SHUTDOWN_GRACE_MS,
  });

  const jobDetails = new JobDetailCache(deps);
  const platform: Platform = {
    deps,
    tokens: new TokenService(config.jwtSecret, config.env.JWT_TTL_SEC, clock),
    users: new UserCache(deps),
    jobDetails,
    pipelines,
    adminApiKey: config.env.ADMIN_API_KEY,
    metrics,
    metricsToken: config.metricsToken,
    trustProxy: config.env.TRUST_PROXY,
    readiness: {
      database: () => store.ping(),
      // A fresh or old database answers pings but fails every request: say so, and what to run.
      schema: async () => {
        const status = await store.schemaStatus();
        if (!schemaUsable(status)) throw new Error(describeSchema(status));
      },
      queue: () => adapters.queue.ping(),
      storage: () => adapters.storage.ping(),
    },
    apps: APPS,
    providers: listProviders(adapters.providers),
    webhooks: providerWebhooks(config, deps),
    mounts: adapters.mounts,
  };

  const app = createApp(platform);
  const gpuWorker = config.env.GPU_WORKER_CONCURRENCY > 0
    ? newGpuWorker(adapters.gpuQueue, adapters.providers.imageOps, {
      concurrency: config.env.GPU_WORKER_CONCURRENCY, log, clock,
      ...(opts.gpuFetch === 'in-process' ? { fetch: async (url: string, init?: RequestInit) => app.request(url, init) } : {}),
    })
    : null;

  return {
    app,
    gpuWorker,
    gpuQueue: adapters.gpuQueue,
    platform,
    deps,
    runner,
    reconciler,
    worker,
    migrate: () => store.migrate(),
    schemaStatus: () => store.schemaStatus(),
    async close() {
      await gpuWorker?.stop().catch((err: unknown) => log.error({ err }, 'gpu worker stop failed; closing the rest'));
      await worker.stop().catch((err: unknown) => log.error({ err }, 'worker stop failed; closing the rest'));
      await closeWithin('job detail cache', CLOSE_TIMEOUT_MS, () => jobDetails.stop(), log);
      await closeWithin('queue and events', CLOSE_TIMEOUT_MS, () => adapters.close(), log);
      await closeWithin('database', CLOSE_TIMEOUT_MS, () => store.close(), log);
    },
  };
}

function pgliteDir(config: Config): string {
  const dir = path.join(config.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  return dir;
}
