import type { ImageOperationProvider } from '../../../core/ports/providers';
import { KeptOutputs, type ConformMedia } from '../http/kept-outputs';
import type { OutputCopies } from '../http/output-copies';
import type { ProviderHttpOptions } from '../http/provider-http';
import { RunpodApi, runpodHttp, type RunpodPolicy } from './runpod-api';
import { RunpodImageOpsProvider } from './runpod-image-ops';

export interface RunpodOptions {
  /** RUNPOD_API_KEY. */
  apiKey: string;
  /** RUNPOD_BASE_URL (default https://api.runpod.ai/v2). */
  baseUrl?: string;
  /** RUNPOD_IMAGE_OPS_ENDPOINT: the Serverless endpoint id whose workers run the image operations. */
  imageOpsEndpoint: string;
  /** Each job's `policy`, in ms (default executionTimeout 5 min, ttl 20 min). */
  policy?: Partial<RunpodPolicy>;
  /** Where outputs are copied the first time they are seen. */
  copies: OutputCopies;
  media: ConformMedia;
  /** One API call's time limit in ms (default 60 s: a /run carries up to 10 MB) and its retries (default 3). */
  timeoutMs?: number;
  retries?: number;
  /** One output download's time limit in ms (default 60 s). */
  downloadTimeoutMs?: number;
  /** Tests: ProviderHttp's waits. */
  http?: Pick<ProviderHttpOptions, 'sleep' | 'random' | 'backoff' | 'maxRetryAfterMs'>;
}

/** Runpod's adapters: image operations on one Serverless endpoint (no webhook: polling completes the calls). */
export function createRunpodProviders(opts: RunpodOptions): { imageOps: ImageOperationProvider } {
  const http = runpodHttp({ apiKey: opts.apiKey, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? 60_000, retries: opts.retries, ...opts.http });
  return {
    imageOps: new RunpodImageOpsProvider({
      api: new RunpodApi(http, opts.imageOpsEndpoint),
      outputs: new KeptOutputs(opts.copies, opts.media),
      policy: opts.policy,
      downloadTimeoutMs: opts.downloadTimeoutMs,
    }),
  };
}
