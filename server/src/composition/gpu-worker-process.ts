import type { Config } from '../config/config';
import { systemClock, type Clock } from '../core/ports/clock';
import type { GpuTaskContext, GpuTaskRunner } from '../core/ports/gpu-work';
import type { Logger } from '../services/deps';
import { GpuWorker } from '../worker/gpu-worker';
import { APPS } from './apps';
import { openAdapters, type Adapters } from './open-adapters';

export interface GpuWorkerProcess {
  worker: GpuWorker;
  close(): Promise<void>;
}

/** Every app's GPU task kinds (AppModule.gpuTasks), for the GPU workers. */
const gpuRunners = (): Record<string, GpuTaskRunner> => Object.assign({}, ...APPS.map((a) => a.gpuTasks ?? {}));

/**
 * A GPU worker on the adapters' GPU task queue, running every app's task kinds, with the
 * adapters' image-operation provider; `fetch` reaches the tasks' URLs.
 */
export function newGpuWorker(adapters: Pick<Adapters, 'gpuQueue' | 'providers'>, opts: { concurrency: number; log: Logger; clock: Clock; fetch?: GpuTaskContext['fetch'] }): GpuWorker {
  return new GpuWorker({
    queue: adapters.gpuQueue, runners: gpuRunners(), concurrency: opts.concurrency, log: opts.log,
    context: { fetch: opts.fetch ?? ((url, init) => fetch(url, init)), imageOps: adapters.providers.imageOps, log: opts.log, now: () => opts.clock.now() },
  });
}

/**
 * `npx mediaforge gpu-worker`: a GPU worker on its own, with no database: the GPU task queue on
 * Redis (REDIS_URL, QUEUE_NAME as the API's) and the image-operation provider the environment
 * names (IMAGE_OPS_PROVIDERS) for the AI operations; everything else arrives in each task.
 */
export async function openGpuWorkerProcess(config: Config, log: Logger): Promise<GpuWorkerProcess> {
  const adapters = await openAdapters(config, log, {});
  const worker = newGpuWorker(adapters, { concurrency: Math.max(1, config.env.GPU_WORKER_CONCURRENCY), log, clock: systemClock });
  return {
    worker,
    async close() {
      await worker.stop();
      await adapters.close();
    },
  };
}
