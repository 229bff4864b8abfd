import type { ImageProvider, MusicProvider, VideoProvider } from '../../../core/ports/providers';
import { KeptOutputs, type ConformMedia } from '../http/kept-outputs';
import type { ModelInput } from '../http/model-input';
import type { OutputCopies } from '../http/output-copies';
import type { ProviderHttpOptions } from '../http/provider-http';
import { ReplicateApi, replicateHttp } from './replicate-api';
import { REPLICATE_IMAGE_MODEL, ReplicateImageProvider } from './replicate-image';
import { parseReplicateModel } from './replicate-model';
import { REPLICATE_MUSIC_MODEL, ReplicateMusicProvider } from './replicate-music';
import { REPLICATE_VIDEO_MODEL, ReplicateVideoProvider } from './replicate-video';

export interface ReplicateOptions {
  /** REPLICATE_API_TOKEN. */
  apiToken: string;
  /** REPLICATE_BASE_URL (default https://api.replicate.com/v1). */
  baseUrl?: string;
  /** REPLICATE_IMAGE_MODEL / _VIDEO_MODEL / _MUSIC_MODEL: `owner/name`, `owner/name:version` or a version id. */
  models?: { image?: string; video?: string; music?: string };
  /** REPLICATE_IMAGE_INPUT / _VIDEO_INPUT / _MUSIC_INPUT, parsed with parseModelInput: fields laid over our mapping (null removes one). */
  inputs?: { image?: ModelInput; video?: ModelInput; music?: ModelInput };
  /** Which output file is the result when a model returns several (default 0). */
  outputIndex?: { image?: number; video?: number; music?: number };
  /** `${PUBLIC_URL}/webhooks/replicate` when PUBLIC_URL is set. */
  webhookUrl?: string;
  /** REPLICATE_CANCEL_AFTER: the `Cancel-After` deadline of each prediction (default `30m`). */
  cancelAfter?: string;
  /** Input images up to this size go as data URLs, larger ones through `POST /v1/files` (default 256 KB). */
  maxDataUrlBytes?: number;
  /** Where outputs are copied the first time they are seen. */
  copies: OutputCopies;
  media: ConformMedia;
  /** One API call's time limit in ms (default 30 s) and its retries (default 3). */
  timeoutMs?: number;
  retries?: number;
  /** One output download's time limit in ms (default 120 s). */
  downloadTimeoutMs?: number;
  /** Tests: ProviderHttp's waits. */
  http?: Pick<ProviderHttpOptions, 'sleep' | 'random' | 'backoff' | 'maxRetryAfterMs'>;
}

/** A `Cancel-After` duration as Replicate's changelog writes them (`1m`, `30s`, `1h30m`). */
const CANCEL_AFTER = /^(\d+(ms|s|m|h))+$/;

/**
 * Replicate's image, video and music adapters over one client. Throws an Error naming the model
 * when a configured model reference is not one Replicate can run, or the deadline not a duration.
 */
export function createReplicateProviders(opts: ReplicateOptions): { image: ImageProvider; video: VideoProvider; music: MusicProvider } {
  if (opts.cancelAfter !== undefined && !CANCEL_AFTER.test(opts.cancelAfter)) {
    throw new Error(`REPLICATE_CANCEL_AFTER "${opts.cancelAfter}" is not a duration such as 90s, 30m or 1h30m`);
  }
  const api = new ReplicateApi(replicateHttp({ apiToken: opts.apiToken, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? 30_000, retries: opts.retries, ...opts.http }));
  const deps = { api, outputs: new KeptOutputs(opts.copies, opts.media), webhookUrl: opts.webhookUrl, cancelAfter: opts.cancelAfter, downloadTimeoutMs: opts.downloadTimeoutMs, maxDataUrlBytes: opts.maxDataUrlBytes };
  const setup = (cap: 'image' | 'video' | 'music', fallback: string) => ({
    model: parseReplicateModel(opts.models?.[cap] || fallback),
    extraInput: opts.inputs?.[cap],
    outputIndex: opts.outputIndex?.[cap],
  });
  return {
    image: new ReplicateImageProvider(deps, setup('image', REPLICATE_IMAGE_MODEL)),
    video: new ReplicateVideoProvider(deps, setup('video', REPLICATE_VIDEO_MODEL)),
    music: new ReplicateMusicProvider(deps, setup('music', REPLICATE_MUSIC_MODEL)),
  };
}
