import path from 'node:path';
import type { Hono } from 'hono';
import type { Config } from '../config/config';
import type { EventBus } from '../core/ports/events';
import type { MediaToolkit } from '../core/ports/media';
import type { Providers } from '../core/ports/providers';
import type { JobQueue } from '../core/ports/queue';
import type { GpuTaskQueue } from '../core/ports/gpu-work';
import type { ObjectStorage } from '../core/ports/storage';
import { MemoryEventBus } from '../adapters/events/memory-event-bus';
import { RedisEventBus } from '../adapters/events/redis-event-bus';
import { FfmpegRunner, defaultFfmpegPath } from '../adapters/media/ffmpeg-runner';
import { IsolatedMediaToolkit } from '../adapters/media/isolated-toolkit';
import { ProcessLauncher } from '../adapters/media/process-launcher';
import { SharpFfmpegToolkit } from '../adapters/media/media-toolkit';
import { BullmqQueue } from '../adapters/queue/bullmq-queue';
import { MemoryQueue } from '../adapters/queue/memory-queue';
import { LocalObjectStorage } from '../adapters/storage/local-storage';
import { localStorageRoutes } from '../adapters/storage/local-storage-routes';
import { S3ObjectStorage } from '../adapters/storage/s3-storage';
import { systemClock, type Clock } from '../core/ports/clock';
import type { Logger } from '../services/deps';
import { openGpuQueue } from './open-gpu-queue';
import { openProviders, type ProviderRoutes } from './open-providers';

export interface Adapters extends ProviderSet {
  queue: JobQueue;
  /** Tasks for GPU workers: in-process, or on Redis beside the job queue (`<queue name>-gpu`). */
  gpuQueue: GpuTaskQueue;
  events: EventBus;
}

/** What the providers stand on and the providers themselves: storage (and its routes), media, and the providers the environment names. */
export interface ProviderSet {
  storage: ObjectStorage;
  providers: Providers;
  /** Each capability's providers by name, as the environment lists them (null: providers injected by a test). */
  routes: ProviderRoutes | null;
  media: MediaToolkit;
  mounts: Hono[];
  close(): Promise<void>;
}

/**
 * Storage (S3, or local files with their signed-URL routes), the media toolkit (untrusted images
 * decoded in child processes) and the providers the environment names, each by configuration
 * unless `opts` gives it. A GPU worker opens this alone, and only once a task needs a provider.
 */
export async function openProviderSet(config: Config, opts: { storage?: ObjectStorage; media?: MediaToolkit; providers?: Providers; clock?: Clock } = {}): Promise<ProviderSet> {
  const { env } = config;
  // ffmpeg is started from a small helper process: a fork of this one would block its event loop.
  const launcher = new ProcessLauncher();
  const ffmpeg = new FfmpegRunner(await defaultFfmpegPath(), undefined, env.MEDIA_MEMORY_MB * 1024 * 1024, launcher.run);
  // Untrusted images are decoded in child processes with a memory cap and a time limit.
  const isolated = opts.media ? null : new IsolatedMediaToolkit({
    video: new SharpFfmpegToolkit({ ffmpeg }),
    workers: env.MEDIA_WORKERS, memoryCapBytes: env.MEDIA_MEMORY_MB * 1024 * 1024, timeoutMs: env.MEDIA_TIMEOUT_MS,
  });
  const media = opts.media ?? isolated!;
  const mounts: Hono[] = [];
  let storage = opts.storage;
  if (!storage) {
    if (config.mode.storage === 's3') {
      storage = new S3ObjectStorage({
        endpoint: env.S3_ENDPOINT, region: env.S3_REGION, accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
        bucket: env.S3_BUCKET!, forcePathStyle: env.S3_FORCE_PATH_STYLE, publicBaseUrl: env.S3_PUBLIC_BASE_URL,
      });
    } else {
      const local = new LocalObjectStorage({ rootDir: path.join(config.dataDir, 'objects'), publicBaseUrl: config.publicUrl, secret: config.storageSecret });
      mounts.push(localStorageRoutes(local));
      storage = local;
    }
  }
  const { providers, routes } = opts.providers
    ? { providers: opts.providers, routes: null }
    : await openProviders(config, { storage, media, ffmpeg, clock: opts.clock ?? systemClock });
  return {
    storage, providers, routes, media, mounts,
    async close() {
      await isolated?.close();
      await launcher.close();
    },
  };
}

/** Picks each adapter by configuration: embedded defaults, or the server-mode services named by env. */
export async function openAdapters(
  config: Config,
  log: Logger,
  opts: Partial<Omit<Adapters, 'mounts' | 'close' | 'routes'>> & { queueName?: string; clock?: Clock },
): Promise<Adapters> {
  const { env } = config;
  const set = await openProviderSet(config, opts);
  // Processes share a queue (and its events) by name: QUEUE_NAME lets deployments and tests keep theirs apart.
  const queueName = opts.queueName ?? env.QUEUE_NAME;
  const queue = opts.queue ?? (config.mode.queue === 'bullmq'
    ? new BullmqQueue({ connection: env.REDIS_URL!, queueName: queueName ?? 'mediaforge-jobs', onError: (err, msg) => log.error({ err, ...msg }, 'job handler failed'), onWarning: (m) => log.warn(m) })
    : new MemoryQueue((err, msg) => log.error({ err, ...msg }, 'job handler failed')));
  const gpuQueue = opts.gpuQueue ?? openGpuQueue(config, log, queueName);
  const events = opts.events ?? (config.mode.queue === 'bullmq' ? new RedisEventBus(env.REDIS_URL!, `${queueName ?? 'mediaforge'}:events:`, { onWarning: (m) => log.warn(m) }) : new MemoryEventBus());

  return {
    ...set, queue, gpuQueue, events,
    async close() {
      await queue.close();
      await gpuQueue.close();
      await events.close();
      await set.close();
    },
  };
}
