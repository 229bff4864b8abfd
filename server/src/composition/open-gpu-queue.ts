import { BullmqGpuQueue } from '../adapters/gpu/bullmq-gpu-queue';
import { MemoryGpuQueue } from '../adapters/gpu/memory-gpu-queue';
import type { Config } from '../config/config';
import type { GpuTaskQueue } from '../core/ports/gpu-work';
import type { Logger } from '../services/deps';

/** The GPU task queue a process shares with the others of its deployment (the API sends, `gpu-worker`s take). */
export function openGpuQueue(config: Config, log: Logger, queueName: string | undefined): GpuTaskQueue {
  const onError = (err: unknown, task: { task_id: string }) => log.error({ err, taskId: task.task_id }, 'gpu task failed');
  return config.mode.queue === 'bullmq'
    ? new BullmqGpuQueue({ connection: config.env.REDIS_URL!, queueName: `${queueName ?? 'mediaforge'}-gpu`, lockDurationMs: config.env.GPU_TASK_LOCK_MS, onError, onWarning: (m) => log.warn(m) })
    : new MemoryGpuQueue(onError);
}
