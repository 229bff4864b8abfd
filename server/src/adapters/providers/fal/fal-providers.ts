import type { ImageProvider, MusicProvider, VideoProvider } from '../../../core/ports/providers';
import { KeptOutputs, type ConformMedia } from '../http/kept-outputs';
import type { ModelInput } from '../http/model-input';
import type { OutputCopies } from '../http/output-copies';
import type { ProviderHttpOptions } from '../http/provider-http';
import { FalQueue, falHttp } from './fal-api';
import { FAL_IMAGE_MODEL, FalImageProvider } from './fal-image';
import { parseFalModel } from './fal-model';
import { FAL_MUSIC_MODEL, FalMusicProvider } from './fal-music';
import { FAL_VIDEO_MODEL, FalVideoProvider } from './fal-video';

export interface FalOptions {
  /** FAL_KEY. */
  key: string;
  /** FAL_BASE_URL (default https://queue.fal.run). */
  baseUrl?: string;
  /** FAL_IMAGE_MODEL / _VIDEO_MODEL / _MUSIC_MODEL: model ids such as `fal-ai/flux/schnell`. */
  models?: { image?: string; video?: string; music?: string };
  /** FAL_IMAGE_INPUT / _VIDEO_INPUT / _MUSIC_INPUT, parsed with parseModelInput: fields laid over our mapping (null removes one). */
  inputs?: { image?: ModelInput; video?: ModelInput; music?: ModelInput };
  /** Which output file is the result when a model returns several (default 0). */
  outputIndex?: { image?: number; video?: number; music?: number };
  /** `${PUBLIC_URL}/webhooks/fal` when PUBLIC_URL is set. */
  webhookUrl?: string;
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

/** fal's image, video and music adapters over one client. Throws an Error naming a configured model id that is not one. */
export function createFalProviders(opts: FalOptions): { image: ImageProvider; video: VideoProvider; music: MusicProvider } {
  const queue = new FalQueue(falHttp({ key: opts.key, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs ?? 30_000, retries: opts.retries, ...opts.http }));
  const deps = { queue, outputs: new KeptOutputs(opts.copies, opts.media), webhookUrl: opts.webhookUrl, downloadTimeoutMs: opts.downloadTimeoutMs };
  const setup = (cap: 'image' | 'video' | 'music', fallback: string) => ({
    model: parseFalModel(opts.models?.[cap] || fallback),
    extraInput: opts.inputs?.[cap],
    outputIndex: opts.outputIndex?.[cap],
  });
  return {
    image: new FalImageProvider(deps, setup('image', FAL_IMAGE_MODEL)),
    video: new FalVideoProvider(deps, setup('video', FAL_VIDEO_MODEL)),
    music: new FalMusicProvider(deps, setup('music', FAL_MUSIC_MODEL)),
  };
}
