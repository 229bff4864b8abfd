import type { Config } from '../config/config';
import { systemClock, type Clock } from '../core/ports/clock';
import type { GpuTaskContext, GpuTaskQueue } from '../core/ports/gpu-work';
import type { ImageOperationProvider } from '../core/ports/providers';
import type { Logger } from '../services/deps';
import { GpuWorker } from '../worker/gpu-worker';
import { GPU_TASKS } from './gpu-tasks';
import { openGpuQueue } from './open-gpu-queue';
import type { ProviderSet } from './open-adapters';

export interface GpuWorkerProcess {
  worker: GpuWorker;
  /** The GPU task queue this worker takes from (Redis): ping it before starting. */
  queue: GpuTaskQueue;
  close(): Promise<void>;
}

/**
 * A GPU worker on `queue`, running every app's task kinds (GPU_TASKS) with `imageOps` for the AI
 * operations; `fetch` reaches the tasks' URLs.
 */
export function newGpuWorker(queue: GpuTaskQueue, imageOps: ImageOperationProvider, opts: { concurrency: number; log: Logger; clock: Clock; fetch?: GpuTaskContext['fetch'] }): GpuWorker {
  return new GpuWorker({
    queue, runners: GPU_TASKS, concurrency: opts.concurrency, log: opts.log,
    context: { fetch: opts.fetch ?? ((url, init) => fetch(url, init)), imageOps, log: opts.log, now: () => opts.clock.now() },
  });
}

/**
 * The image-operation provider of `open`'s set, opened on the first call: a worker whose rules have
 * no AI operation never loads the providers, storage or media toolkit.
 */
function openedOnUse(open: () => Promise<ImageOperationProvider>): ImageOperationProvider {
  let opened: Promise<ImageOperationProvider> | null = null;
  // A failed opening is not kept: the next call tries again.
  const provider = () => (opened ??= open().catch((err: unknown) => {
    opened = null;
    throw err;
  }));
  return {
    name: 'image-ops (opened on first use)',
    submit: async (req, opts) => (await provider()).submit(req, opts),
    get: async (id) => (await provider()).get(id),
  };
}

/**
 * `npx mediaforge gpu-worker`: a GPU worker on its own, with no database: the GPU task queue on
 * Redis (REDIS_URL, QUEUE_NAME as the API's) and, once a task asks for an AI operation, the
 * image-operation provider the environment names (IMAGE_OPS_PROVIDERS); everything else arrives
 * in each task.
 */
export async function openGpuWorkerProcess(config: Config, log: Logger): Promise<GpuWorkerProcess> {
  const queue = openGpuQueue(config, log, config.env.QUEUE_NAME);
  let set: ProviderSet | null = null;
  const imageOps = openedOnUse(async () => {
    const { openProviderSet } = await import('./open-adapters');
    set = await openProviderSet(config);
    return set.providers.imageOps;
  });
  const worker = newGpuWorker(queue, imageOps, { concurrency: Math.max(1, config.env.GPU_WORKER_CONCURRENCY), log, clock: systemClock });
  return {
    worker,
    queue,
    async close() {
      await worker.stop();
      await queue.close();
      await set?.close();
    },
  };
}
