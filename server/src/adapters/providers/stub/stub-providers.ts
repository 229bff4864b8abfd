import type { Providers } from '../../../core/ports/providers';
import type { FfmpegRunner } from '../../media/ffmpeg-runner';
import type { FailWhen } from './failure-injection';
import { StubImageProvider } from './stub-image';
import { StubModerationProvider } from './stub-moderation';
import { StubMusicProvider } from './stub-music';
import { StubRuntime } from './stub-runtime';
import { StubTextProvider } from './stub-text';
import { StubVideoProvider } from './stub-video';

export interface StubOptions {
  ffmpeg: FfmpegRunner;
  latencyMs?: number;
  failWhen?: FailWhen;
}

/** Offline providers that make real, valid media, deterministic by seed. */
export function createStubProviders(opts: StubOptions): Providers {
  const rt = new StubRuntime(opts.latencyMs ?? 0, opts.failWhen ?? (() => false));
  const image = new StubImageProvider(rt);
  // The video stub draws its own first frame without the delay or failures of the image stub.
  const frameSource = new StubImageProvider(new StubRuntime(0, () => false));
  return {
    text: new StubTextProvider(rt),
    image,
    video: new StubVideoProvider(rt, opts.ffmpeg, frameSource),
    music: new StubMusicProvider(rt),
    moderation: new StubModerationProvider(rt),
  };
}
