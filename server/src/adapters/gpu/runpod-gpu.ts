import type { GpuSendState, GpuTask } from '../../core/ports/gpu-work';
import type { RunpodApi, RunpodPolicy } from '../providers/runpod/runpod-api';

/**
 * GPU tasks on a Runpod Serverless endpoint (GPU_DISPATCH=runpod, RUNPOD_GPU_ENDPOINT): each task
 * is one Runpod job whose `input` is the task itself, so the endpoint's handler does what our
 * `gpu-worker` does with it (the same task kinds; it calls back signed, and returns the signed
 * report as its output). `/run` names the task's callback URL as Runpod's webhook, which carries
 * that output back a second time (settled once); `/status` is the poll for a job whose handler
 * never called back (FAILED, TIMED_OUT, a worker lost).
 */
export class RunpodGpu {
  constructor(
    private readonly api: RunpodApi,
    /** Runpod's execution limit and time to live of each job, in ms. */
    private readonly policy: RunpodPolicy,
  ) {}

  async send(task: GpuTask): Promise<string> {
    const { id } = await this.api.run(task as unknown as Record<string, unknown>, this.policy, task.callback.url);
    return id;
  }

  /** IN_QUEUE and IN_PROGRESS (or RUNNING) are pending; a final status is ended; a job Runpod no longer knows is lost. */
  async check(ref: string): Promise<GpuSendState> {
    const job = await this.api.status(ref);
    if (!job) return 'lost';
    return job.status === 'IN_QUEUE' || job.status === 'IN_PROGRESS' || job.status === 'RUNNING' ? 'pending' : 'ended';
  }
}
