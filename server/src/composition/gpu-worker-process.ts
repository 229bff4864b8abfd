import type { Config } from '../config/config';
import type { GpuTaskRunner } from '../core/ports/gpu-work';
import type { Logger } from '../services/deps';
import { GpuWorker } from '../worker/gpu-worker';
import { APPS } from './apps';
import { openAdapters } from './open-adapters';

export interface GpuWorkerProcess {
  worker: GpuWorker;
  close(): Promise<void>;
}

/** Every app's GPU task kinds (AppModule.gpuTasks), for the GPU workers. */
export const gpuRunners = (): Record<string, GpuTaskRunner> => Object.assign({}, ...APPS.map((a) => a.gpuTasks ?? {}));

/**
 * `npx mediaforge gpu-worker`: a GPU worker on its own, with no database: the GPU task queue on
 * Redis (REDIS_URL, QUEUE_NAME as the API's) and the image-operation provider the environment
 * names (IMAGE_OPS_PROVIDERS) for the AI operations; everything else arrives in each task.
 */
export async function openGpuWorkerProcess(config: Config, log: Logger): Promise<GpuWorkerProcess> {
  const adapters = await openAdapters(config, log, {});
  const worker = new GpuWorker({
    queue: adapters.gpuQueue, runners: gpuRunners(), concurrency: Math.max(1, config.env.GPU_WORKER_CONCURRENCY), log,
    context: { fetch: (url, init) => fetch(url, init), imageOps: adapters.providers.imageOps, log, now: () => new Date() },
  });
  return {
    worker,
    async close() {
      await worker.stop();
      await adapters.close();
    },
  };
}
