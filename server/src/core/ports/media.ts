import type { NsfwScores } from '../media/nsfw-policy';
/** Media operations on untrusted and generated files (sharp, ffmpeg), each bounded in pixels and time. */
export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp';

export interface ImageInfo {
  mime: ImageMime;
  width: number;
  height: number;
}

export interface ImageScreening {
  nsfw: NsfwScores;
  phash: string;
}

export interface VideoInfo {
  durationSec: number;
  width: number;
  height: number;
  videoCodec: string | null;
  audioCodec: string | null;
  /** Frames per second of the video stream, when the container says. */
  fps?: number;
}

/** A clip to assemble. Facts the caller already has (a provider's GeneratedVideo) spare probing it. */
export interface AssembleClip {
  mp4: Buffer;
  facts?: { durationSec: number; width: number; height: number; hasAudio: boolean; fps?: number };
}

export interface AssembleOptions {
  /** Also make a poster frame this many px wide, in the same ffmpeg run. */
  posterWidth?: number;
}

export interface AssembledVideo {
  mp4: Buffer;
  durationSec: number;
  width: number;
  height: number;
  /** Set when `posterWidth` was asked for. */
  poster?: { jpeg: Buffer; width: number; height: number };
}

export interface MediaToolkit {
  /**
   * Magic bytes, the limits of core/media/image-limits (from the header) and a full decode;
   * throws InvalidMediaError, whose message says why, when it is not a readable jpeg/png/webp within them.
   */
  inspectImage(buf: Buffer): Promise<ImageInfo>;
  /** Auto-rotated, cropped to a square of `size` px, PNG. */
  normalizeImage(buf: Buffer, size: number): Promise<{ png: Buffer; width: number; height: number }>;
  /** A 64-bit perceptual hash (dHash) as 16 hex characters. */
  perceptualHash(buf: Buffer): Promise<string>;
  /**
   * What a content guard needs of an image before anyone may see it: the offline NSFW classifier's
   * scores (core/media/nsfw-policy.ts judges them) and its perceptual hash (as `perceptualHash`).
   */
  screenImage(buf: Buffer): Promise<ImageScreening>;
  /**
   * The part of an image inside `rect` (source pixels, after auto-orientation), as PNG. RangeError
   * when the rectangle is not inside the image or under 1 px.
   */
  cropImage(buf: Buffer, rect: { left: number; top: number; width: number; height: number }): Promise<{ png: Buffer; width: number; height: number }>;
  /** A JPEG of an image (jpeg, png or webp, within the limits), auto-rotated, `width` px wide at its own aspect ratio. */
  thumbnail(buf: Buffer, width: number): Promise<{ jpeg: Buffer; width: number; height: number }>;
  /** A JPEG poster frame of an MP4, `width` px wide. */
  posterFrame(mp4: Buffer, width: number): Promise<{ jpeg: Buffer; width: number; height: number }>;
  /**
   * Clips joined in order, the audio laid under them (looped or cut to length), H.264 + AAC MP4 at
   * the first clip's frame size (rounded to even); `durationSec` is the clips' total. With
   * `posterWidth`, a JPEG poster of the result (0.1 s in) made in the same pass.
   */
  assemble(clips: AssembleClip[], audio: Buffer, opts?: AssembleOptions): Promise<AssembledVideo>;
  probeVideo(mp4: Buffer): Promise<VideoInfo>;
  /**
   * A provider's image output (jpeg, png or webp, within the limits) as PNG, auto-rotated: what
   * GeneratedImage holds. Throws InvalidMediaError when it is not such an image.
   */
  conformImage(buf: Buffer): Promise<{ png: Buffer; width: number; height: number }>;
  /**
   * A provider's video output (any container ffmpeg reads) as H.264 + AAC MP4 with even dimensions,
   * a silent track added when it has no sound: what GeneratedVideo holds.
   */
  conformVideo(buf: Buffer): Promise<{ mp4: Buffer; durationSec: number; width: number; height: number }>;
  /** A provider's audio output (mp3, wav, flac, ogg...) as 16-bit PCM WAV, 44.1 kHz stereo: what GeneratedAudio holds. */
  conformAudio(buf: Buffer): Promise<{ wav: Buffer; durationSec: number }>;
}

/** The input is not media we accept; the message says why in words. */
export class InvalidMediaError extends Error {
  override readonly name: string = 'InvalidMediaError';
}

/** The input is outside the stated limits (core/media/image-limits); the message names the limit. */
export class ImageOverLimitError extends InvalidMediaError {
  override readonly name = 'ImageOverLimitError';
}

/**
 * The work on an input was stopped because it went over its memory or time limit. The input is at
 * fault (it would do the same again), so callers treat it like InvalidMediaError, never retry it.
 */
export class MediaLimitError extends Error {
  override readonly name = 'MediaLimitError';
}
