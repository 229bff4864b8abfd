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

export interface VideoProvider {
  readonly name: string;
  generate(req: VideoRequest): Promise<GeneratedVideo>;
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
