import type { Providers } from '../../../core/ports/providers';
import type { FfmpegRunner } from '../../media/ffmpeg-runner';
import type { FailWhen } from './failure-injection';
import { StubImageProvider } from './stub-image';
import { StubImageOpsProvider } from './stub-image-ops';
import { StubModerationProvider } from './stub-moderation';
import { StubMusicProvider } from './stub-music';
import { StubRuntime } from './stub-runtime';
import { StubTextProvider } from './stub-text';
import { StubVideoProvider } from './stub-video';

export interface StubOptions {
  /** The runner the video stub encodes with (the media toolkit's). */
  ffmpeg: FfmpegRunner;
  /** How long every prediction takes, and every moderation call, in ms (default 0). */
  latencyMs?: number;
  /** Calls for which this returns true throw a non-retryable ProviderError; see parseStubFail. */
  failWhen?: FailWhen;
  /**
   * No other process runs jobs on this database (embedded mode): a prediction this process does
   * not know is lost (taken before a restart), never another live process's (see StubPredictions).
   */
  soleProcess?: boolean;
}

/** Offline providers that make real, valid media, deterministic by request and seed. */
export function createStubProviders(opts: StubOptions): Providers {
  const rt = new StubRuntime(opts.latencyMs ?? 0, opts.failWhen ?? (() => false));
  const predictions = opts.soleProcess ? { foreignGraceMs: 0 } : {};
  return {
    text: new StubTextProvider(rt, predictions),
    image: new StubImageProvider(rt, predictions),
    video: new StubVideoProvider(rt, opts.ffmpeg, predictions),
    music: new StubMusicProvider(rt, predictions),
    moderation: new StubModerationProvider(rt),
    imageOps: new StubImageOpsProvider(rt, predictions),
  };
}
