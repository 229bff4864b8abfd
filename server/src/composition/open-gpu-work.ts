import type { Config } from '../config/config';
import type { Clock } from '../core/ports/clock';
import type { GpuTaskQueue, GpuWork } from '../core/ports/gpu-work';
import type { ObjectStorage } from '../core/ports/storage';
import { RunpodGpu } from '../adapters/gpu/runpod-gpu';
import { SignedGpuWork } from '../adapters/gpu/signed-gpu-work';
import { RunpodApi, runpodHttp } from '../adapters/providers/runpod/runpod-api';

/** How long a GPU task's URLs stay valid: it may wait in the queue behind a large batch. */
const GPU_TASK_URL_TTL_SEC = 2 * 3600;
/** A Runpod job may run 10 minutes and live as long as its URLs. */
const RUNPOD_POLICY = { executionTimeout: 10 * 60_000, ttl: GPU_TASK_URL_TTL_SEC * 1000 };

/** Where GPU tasks go (GPU_DISPATCH): the GPU task queue that `gpu-worker`s take from, or a Runpod endpoint. */
export function openGpuWork(config: Config, deps: { storage: ObjectStorage; gpuQueue: GpuTaskQueue; clock: Clock }): GpuWork {
  const { env } = config;
  const signing = { storage: deps.storage, publicUrl: config.publicUrl, masterSecret: `gpu:${config.jwtSecret}`, urlTtlSec: GPU_TASK_URL_TTL_SEC, clock: deps.clock };
  if (env.GPU_DISPATCH === 'runpod') {
    const runpod = new RunpodGpu(new RunpodApi(runpodHttp({ apiKey: env.RUNPOD_API_KEY!, baseUrl: env.RUNPOD_BASE_URL }), env.RUNPOD_GPU_ENDPOINT!), RUNPOD_POLICY);
    return new SignedGpuWork({ ...signing, kind: 'runpod', send: (task) => runpod.send(task), check: (ref) => runpod.check(ref) });
  }
  return new SignedGpuWork({
    ...signing, kind: 'queue',
    send: async (task) => {
      await deps.gpuQueue.push(task);
      return task.task_id;
    },
    // Ended: done and reported (the item is settled), or given up without a report (sent again).
    check: async (ref) => ((await deps.gpuQueue.pending(ref)) ? 'pending' : 'ended'),
  });
}
