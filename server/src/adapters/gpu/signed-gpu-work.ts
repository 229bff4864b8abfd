import { createHmac } from 'node:crypto';
import type { Clock } from '../../core/ports/clock';
import type { GpuSendState, GpuTask, GpuTaskSpec, GpuWork } from '../../core/ports/gpu-work';
import type { ObjectStorage } from '../../core/ports/storage';

export interface SignedGpuWorkOptions {
  kind: GpuWork['kind'];
  storage: Pick<ObjectStorage, 'signedGetUrl' | 'presignPut'>;
  /** This service's public URL: callbacks are made to it. */
  publicUrl: string;
  /** The key each job's callback secret is derived from; never sent anywhere. */
  masterSecret: string;
  /** How long a task's URLs stay valid, in seconds (a task waits in the queue before it runs). */
  urlTtlSec: number;
  clock: Clock;
  /** Hands the signed task to the workers and returns its ref: the task id on the GPU task queue, a Runpod job's id. */
  send(task: GpuTask): Promise<string>;
  /** Where a send stands, by its ref. */
  check(ref: string): Promise<GpuSendState>;
}

/**
 * GpuWork that signs each task before it goes out: a GET URL for the input, a PUT URL for the
 * output (bounded by `maxBytes` where the store can bound it) and the job's callback secret, a
 * Standard Webhooks `whsec_` key derived from the master secret and the job id, so it is never
 * stored and a leaked one opens one job's callbacks only.
 */
export class SignedGpuWork implements GpuWork {
  readonly kind: GpuWork['kind'];

  constructor(private readonly opts: SignedGpuWorkOptions) {
    this.kind = opts.kind;
  }

  check(ref: string): Promise<GpuSendState> {
    return this.opts.check(ref);
  }

  callbackSecret(jobId: string): string {
    return `whsec_${createHmac('sha256', this.opts.masterSecret).update(`gpu-callback:${jobId}`).digest('base64')}`;
  }

  async dispatch(spec: GpuTaskSpec): Promise<{ ref: string }> {
    const { storage, urlTtlSec, clock } = this.opts;
    const task: GpuTask = {
      task_id: `${spec.jobId}.${spec.item}`,
      kind: spec.kind,
      job_id: spec.jobId,
      item: spec.item,
      input: { url: await storage.signedGetUrl(spec.input.key, urlTtlSec), mime: spec.input.mime, max_bytes: spec.input.maxBytes },
      output: {
        url: await storage.presignPut({ key: spec.output.key, contentType: spec.output.mime, size: spec.output.maxBytes, upTo: true, expiresInSec: urlTtlSec }),
        key: spec.output.key, mime: spec.output.mime, max_bytes: spec.output.maxBytes,
      },
      params: spec.params,
      callback: { url: `${this.opts.publicUrl}${spec.callbackPath}`, secret: this.callbackSecret(spec.jobId) },
      expires_at: new Date(clock.now().getTime() + urlTtlSec * 1000).toISOString(),
    };
    return { ref: await this.opts.send(task) };
  }
}
