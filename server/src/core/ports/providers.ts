/** One interface per capability. Stubs make real, valid media offline and deterministically by seed. */
export interface TextRequest {
  system?: string;
  prompt: string;
  seed: number;
  maxChars?: number;
}

export interface TextProvider {
  readonly name: string;
  complete(req: TextRequest): Promise<string>;
}

export interface ImageRequest {
  prompt: string;
  width: number;
  height: number;
  seed: number;
  /** Reference images (PNG) the result should resemble, e.g. an identity pack. */
  references?: Buffer[];
}

export interface GeneratedImage {
  png: Buffer;
  width: number;
  height: number;
}

export interface ImageProvider {
  readonly name: string;
  generate(req: ImageRequest): Promise<GeneratedImage>;
}

export interface VideoRequest {
  prompt: string;
  /** First frame / reference (PNG). */
  image?: Buffer;
  durationSec: number;
  width: number;
  height: number;
  seed: number;
}

export interface GeneratedVideo {
  /** H.264 MP4 with an AAC audio track. */
  mp4: Buffer;
  durationSec: number;
  width: number;
  height: number;
}

/** A prediction's life, as Replicate, fal and Runpod report it. */
export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed';

export interface VideoPrediction {
  id: string;
  status: PredictionStatus;
  /** Set once succeeded. */
  output?: GeneratedVideo;
  /** Set once failed; `retryable` when submitting the same request again may succeed. */
  error?: { message: string; retryable: boolean };
}

export interface SubmitOptions {
  /**
   * Called once when the prediction settles (succeeded or failed) after submit has returned: the
   * provider's webhook, delivered in process. A provider that calls back over HTTP would post to a
   * route that resumes the same wait (services/jobs/waits.ts resumeWait), and both are counted once.
   */
  webhook?: (prediction: { id: string; status: PredictionStatus }) => void;
}

/**
 * Video generation is asynchronous, as with the providers that do it: `submit` returns an id at
 * once, and the result is fetched with `get` when the webhook fires or a poll finds it settled.
 */
export interface VideoProvider {
  readonly name: string;
  /** Starts a generation. Throws ProviderError for a request the provider refuses outright. */
  submit(req: VideoRequest, opts?: SubmitOptions): Promise<{ id: string }>;
  /**
   * The prediction's state. Null when the provider does not know the id (predictions expire, and a
   * restarted stub forgets them): the caller submits again.
   */
  get(id: string): Promise<VideoPrediction | null>;
}

export interface MusicRequest {
  prompt: string;
  durationSec: number;
  seed: number;
}

export interface GeneratedAudio {
  /** PCM WAV. */
  wav: Buffer;
  durationSec: number;
}

export interface MusicProvider {
  readonly name: string;
  generate(req: MusicRequest): Promise<GeneratedAudio>;
}

export interface ModerationResult {
  flagged: boolean;
  categories: string[];
}

export interface ModerationProvider {
  readonly name: string;
  checkText(text: string): Promise<ModerationResult>;
}

export interface Providers {
  text: TextProvider;
  image: ImageProvider;
  video: VideoProvider;
  music: MusicProvider;
  moderation: ModerationProvider;
}
