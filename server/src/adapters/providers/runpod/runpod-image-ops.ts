import { z } from 'zod';
import type { GeneratedImage, ImageOperationProvider, ImageOperationRequest, Prediction } from '../../../core/ports/providers';
import { IMAGE_OUTPUT, type KeptOutputs } from '../http/kept-outputs';
import { fetchOutputFile } from '../http/output-files';
import { ProviderError } from '../provider-error';
import type { RunpodApi, RunpodJob, RunpodPolicy } from './runpod-api';

export interface RunpodImageOpsDeps {
  api: RunpodApi;
  outputs: KeptOutputs;
  /** `policy` of each job (default: 5 min of execution, 20 min of life in all). */
  policy?: Partial<RunpodPolicy>;
  /** One output download's time limit, in ms (default 60 s). */
  downloadTimeoutMs?: number;
}

export const DEFAULT_POLICY: RunpodPolicy = { executionTimeout: 5 * 60_000, ttl: 20 * 60_000 };

/** What the worker returns (README.md beside this file): the PNG in base64 (or a data URL), or a URL to fetch it from. */
const workerOutputSchema = z.union([
  z.object({ image: z.string().min(1) }),
  z.object({ image_url: z.url() }),
]);

/**
 * A failure worth another run: the worker's machine, not the request (a lost worker, a timeout, a
 * connection or a service that was briefly unavailable). Anything else (a bad image, an unknown
 * operation, a bug in the handler) fails the same way again.
 */
const TRANSIENT = /\b(timed? ?out|timeout|temporar(il)?y|unavailable|connection|ECONNRESET|ETIMEDOUT|throttl|rate limit|worker (was )?(lost|terminated|killed|restarted)|preempt|no (gpu|workers?) available|try again)/i;

/**
 * Image operations (background removal, upscaling) on a Runpod Serverless endpoint whose workers
 * follow the contract of README.md beside this file (provider-apis.md section 4 for Runpod's API).
 *
 * `submit` queues a job (`POST /{endpoint}/run`) and returns Runpod's job id. `get` polls
 * `GET /{endpoint}/status/{id}`: IN_QUEUE is `starting`, IN_PROGRESS (or RUNNING) `processing`;
 * COMPLETED copies the worker's output into our storage at once (Runpod keeps it only 30 min) and
 * conforms it to PNG; FAILED fails, retryable only when the error looks transient; CANCELLED and
 * TIMED_OUT fail retryably (a queue or a worker that was too slow this time). 404 is null (the job is
 * past its ttl or its retention): the caller submits again.
 *
 * No webhook is given to Runpod: its webhooks are not signed (provider-apis.md section 4,
 * "Webhooks"), so anyone could post a forged completion; the engine's polling completes the call.
 */
export class RunpodImageOpsProvider implements ImageOperationProvider {
  readonly name = 'runpod';

  constructor(private readonly deps: RunpodImageOpsDeps) {}

  /** The endpoint, recorded with each call as the model. */
  get model(): string {
    return `endpoint ${this.deps.api.endpoint}`;
  }

  /**
   * Throws a non-retryable ProviderError for a request Runpod or its worker cannot take: an
   * unknown operation or scale, an image that is not PNG, JPEG or WebP, or a request over 10 MB.
   */
  async submit(req: ImageOperationRequest): Promise<{ id: string }> {
    if (req.operation !== 'remove_background' && req.operation !== 'upscale') throw refused(`unknown operation "${String(req.operation)}"`);
    if (req.scale !== undefined && req.scale !== 2 && req.scale !== 4) throw refused(`scale must be 2 or 4, got ${String(req.scale)}`);
    if (!imageFormat(req.image)) throw refused('the image is not PNG, JPEG or WebP');
    const input = {
      operation: req.operation,
      image: req.image.toString('base64'),
      ...(req.operation === 'upscale' ? { scale: req.scale ?? 2 } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
    };
    const job = await this.deps.api.run(input, { ...DEFAULT_POLICY, ...this.deps.policy });
    return { id: job.id };
  }

  async get(id: string): Promise<Prediction<GeneratedImage> | null> {
    const kept = await this.deps.outputs.read('runpod', id, IMAGE_OUTPUT);
    if (kept) return { id, status: 'succeeded', output: kept };
    const job = await this.deps.api.status(id);
    if (!job) return null;
    switch (job.status) {
      case 'IN_QUEUE':
        return { id, status: 'starting' };
      case 'IN_PROGRESS':
      case 'RUNNING':
        return { id, status: 'processing' };
      case 'FAILED': {
        const message = errorText(job.error ?? (job.output as { error?: unknown } | undefined)?.error);
        return { id, status: 'failed', error: { message: `runpod: the job failed: ${message}`, retryable: TRANSIENT.test(message) } };
      }
      case 'CANCELLED':
        return { id, status: 'failed', error: { message: 'runpod: the job was cancelled (its ttl passed in the queue, or a cancel)', retryable: true } };
      case 'TIMED_OUT':
        return { id, status: 'failed', error: { message: 'runpod: the job timed out (its executionTimeout passed)', retryable: true } };
      case 'COMPLETED':
        return this.completed(id, job);
    }
  }

  private async completed(id: string, job: RunpodJob): Promise<Prediction<GeneratedImage>> {
    // A handler that returns {"error": ...} is a graceful failure (Runpod's handler docs).
    const graceful = (job.output as { error?: unknown } | null | undefined)?.error;
    if (graceful !== undefined && graceful !== null) {
      const message = errorText(graceful);
      return { id, status: 'failed', error: { message: `runpod: the worker answered an error: ${message}`, retryable: TRANSIENT.test(message) } };
    }
    const parsed = workerOutputSchema.safeParse(job.output);
    if (!parsed.success) {
      return { id, status: 'failed', error: { message: `runpod: the worker's output is neither {image} (base64) nor {image_url}: ${preview(job.output)}`, retryable: false } };
    }
    const out = parsed.data;
    return this.deps.outputs.settle('runpod', id, IMAGE_OUTPUT, async () => {
      if ('image_url' in out) return fetchOutputFile(this.deps.api.http, out.image_url, this.deps.downloadTimeoutMs ?? 60_000);
      if (out.image.startsWith('data:')) return fetchOutputFile(this.deps.api.http, out.image);
      const bytes = Buffer.from(out.image, 'base64');
      if (bytes.length === 0) throw new ProviderError('runpod: the worker\'s image is empty', false, 'runpod');
      return { bytes, contentType: 'application/octet-stream' };
    });
  }
}

const refused = (message: string) => new ProviderError(`runpod: ${message}`, false, 'runpod');

/** PNG, JPEG or WebP by their magic bytes; null otherwise. */
function imageFormat(b: Buffer): 'png' | 'jpeg' | 'webp' | null {
  if (!Buffer.isBuffer(b) || b.length < 12) return null;
  if (b.readUInt32BE(0) === 0x89504e47) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

const errorText = (error: unknown) => (typeof error === 'string' && error ? error.slice(0, 500) : error ? JSON.stringify(error).slice(0, 500) : 'no reason given');
const preview = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v).slice(0, 200));
