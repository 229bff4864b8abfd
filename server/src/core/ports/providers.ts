/**
 * One interface per capability. Stubs make real, valid media offline and deterministically by seed.
 *
 * Every generation capability (text, image, video, music) has the asynchronous shape of the APIs
 * that serve them (Replicate, fal and Runpod predictions; OpenAI's Responses API in background
 * mode): `submit` returns an id at once, and the result is read with `get` once the webhook fires
 * or a poll finds it settled. A step uses them through `ctx.predict` (engine/predict.ts), which
 * waits without holding a worker. Moderation stays synchronous: it answers in milliseconds.
 */
export interface TextRequest {
  system?: string;
  prompt: string;
  seed: number;
  /** The text is cut to at most this many characters. Not applied to a `json` answer (a cut would break it). */
  maxChars?: number;
  /**
   * Structured output: the answer is one JSON value matching `schema` (JSON Schema; providers
   * understand at least objects, strings, numbers, integers, booleans, enums and arrays of those),
   * and the output is its JSON text, ready for `JSON.parse`. `name` names the schema to the model
   * (letters, digits, `_` and `-`, at most 64: OpenAI's rule for `json_schema.name`).
   */
  json?: { name: string; schema: Record<string, unknown> };
  /** The model to ask, when the caller chooses one (seed 002's `llm_model`); else the provider's configured model. */
  model?: string;
  /** Sampling temperature 0..2 (seed 002's `llm_temperature`); else the provider's default. */
  temperature?: number;
}

/** The output is the completion's text (with `json`, the JSON text of the answer). */
export type TextProvider = PredictionProvider<TextRequest, string>;

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

export type ImageProvider = PredictionProvider<ImageRequest, GeneratedImage>;

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
  /** Frames per second, when known: assembly keeps the first clip's rate. */
  fps?: number;
}

/** A prediction's life, as Replicate, fal and Runpod report it. */
export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed';

export interface Prediction<Out> {
  id: string;
  status: PredictionStatus;
  /** Set once succeeded. */
  output?: Out;
  /** Set once failed; `retryable` when submitting the same request again may succeed. */
  error?: { message: string; retryable: boolean };
  /**
   * The provider's own cost figure for this prediction, where it reports one, in the unit it
   * reports it in (recorded as is with the call: services/providers/provider-calls.ts).
   */
  cost?: number;
}

/**
 * One provider's part in a call, told by a router that may try several in turn
 * (adapters/providers/routing): the one that served it (with its own id, when it gave one), or one
 * that failed (the call then went to the next, or was thrown when the error was not retryable).
 * The engine records each (services/providers/provider-calls.ts); a provider that is not a router
 * tells nothing, and the caller records it by its own name.
 */
export interface ProviderAttempt {
  /** The provider's name (`fal`, `replicate`...). */
  provider: string;
  model?: string;
  /** How long the provider took to answer or fail, in ms, on the router's clock. */
  ms: number;
  /** The id that provider gave (its own prediction id, with any `|<extra>`); absent for a failure or a synchronous call. */
  id?: string;
  /** Set when this provider failed. */
  error?: { message: string; retryable: boolean };
}

/** What a caller may ask to be told of a call. */
export interface CallOptions {
  /** Called for each provider a router tried, in order, before the call returns or throws. */
  onAttempt?: (attempt: ProviderAttempt) => void;
}

export interface SubmitOptions extends CallOptions {
  /**
   * Called once when the prediction settles (succeeded or failed) after submit has returned: the
   * provider's webhook, delivered in process. A provider that calls back over HTTP would post to a
   * route that resumes the same wait (services/jobs/waits.ts resumeWait), and both are counted once.
   */
  webhook?: (prediction: { id: string; status: PredictionStatus }) => void;
}

/** One asynchronous generation capability: requests `Req`, outputs `Out`. */
export interface PredictionProvider<Req, Out> {
  readonly name: string;
  /** The model it runs, when it is one model (recorded with each call); a router has none of its own. */
  readonly model?: string;
  /**
   * Starts a generation and returns its id at once. Throws ProviderError for a request the provider
   * refuses outright (a real API's 422); a model failure fails the prediction instead.
   */
  submit(req: Req, opts?: SubmitOptions): Promise<{ id: string }>;
  /**
   * The prediction's state. Null when the provider does not know the id (predictions expire, and a
   * restarted stub forgets them): the caller submits again.
   */
  get(id: string): Promise<Prediction<Out> | null>;
}

export type VideoPrediction = Prediction<GeneratedVideo>;
export type VideoProvider = PredictionProvider<VideoRequest, GeneratedVideo>;

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

export type MusicProvider = PredictionProvider<MusicRequest, GeneratedAudio>;

/**
 * An operation on one image, run on GPU workers (the rules app: a user's photo with its background
 * removed, or upscaled). Output: a PNG (with an alpha channel for `remove_background`).
 */
export interface ImageOperationRequest {
  operation: 'remove_background' | 'upscale';
  /** The image to work on: PNG, JPEG or WebP bytes. */
  image: Buffer;
  /** `upscale` only: the factor of each side (default 2). */
  scale?: 2 | 4;
  seed?: number;
}

export type ImageOperationProvider = PredictionProvider<ImageOperationRequest, GeneratedImage>;

export interface ModerationResult {
  flagged: boolean;
  categories: string[];
}

export interface ModerationProvider {
  readonly name: string;
  readonly model?: string;
  checkText(text: string, opts?: CallOptions): Promise<ModerationResult>;
}

export interface Providers {
  text: TextProvider;
  image: ImageProvider;
  video: VideoProvider;
  music: MusicProvider;
  moderation: ModerationProvider;
  /** Image operations on GPU workers (background removal, upscaling). */
  imageOps: ImageOperationProvider;
}

/** Every capability, as calls are recorded and providers listed (`GET /v1/admin/providers`). */
export const PROVIDER_CAPABILITIES = ['text', 'image', 'video', 'music', 'moderation', 'imageOps'] as const;
export type ProviderCapability = (typeof PROVIDER_CAPABILITIES)[number];

/** The capabilities with the prediction shape. */
export const PREDICTION_CAPABILITIES = ['text', 'image', 'video', 'music', 'imageOps'] as const;
export type PredictionCapability = (typeof PREDICTION_CAPABILITIES)[number];
/** What capability `C` takes and makes, e.g. `PredictionRequest<'image'>` is ImageRequest. */
export type PredictionRequest<C extends PredictionCapability> = Providers[C] extends PredictionProvider<infer R, any> ? R : never;
export type PredictionOutput<C extends PredictionCapability> = Providers[C] extends PredictionProvider<any, infer O> ? O : never;
