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
  /** The first subtitle track's codec (`mov_text` in an MP4), null when it has none. */
  subtitleCodec?: string | null;
  /** Frames per second of the video stream, when the container says. */
  fps?: number;
}

/** A clip to assemble. Facts the caller already has (a provider's GeneratedVideo) spare probing it. */
export interface AssembleClip {
  mp4: Buffer;
  facts?: { durationSec: number; width: number; height: number; hasAudio: boolean; fps?: number };
}

/** A subtitle cue: seconds from the start of the video and its text (one or more lines). */
export interface SubtitleCue {
  start: number;
  end: number;
  text: string;
}

export interface AssembleOptions {
  /** Also make a poster frame this many px wide, in the same ffmpeg run. */
  posterWidth?: number;
  /**
   * Timed text carried as the MP4's subtitle track (mov_text, shown by players that read it) with
   * `subtitleLanguage` (ISO 639-2, default `und`); nothing is drawn into the picture.
   */
  subtitles?: SubtitleCue[];
  subtitleLanguage?: string;
  /** Gains for this call (else the toolkit's): the clips' own sound (0 drops it) and the bed under it. */
  clipGain?: number;
  bedGain?: number;
}

export interface AssembledVideo {
  mp4: Buffer;
  durationSec: number;
  width: number;
  height: number;
  /** Set when `posterWidth` was asked for. */
  poster?: { jpeg: Buffer; width: number; height: number };
}

export interface PdfLimits {
  /** A PDF with more pages is refused (`too_many_pages`) before its text is read. */
  maxPages: number;
}

export interface PdfText {
  /** One string per page, index 0 is page 1 (MediaToolkit.readPdf says how each is built). */
  pages: string[];
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
  /**
   * The text of a PDF, one string per page (index 0 is page 1), from its text layer (the adapters
   * use pdf.js). The caller has already checked the file's size (this reads the whole buffer).
   *
   * Each page's string is built once, here, by one rule, and downstream code computes character
   * offsets into exactly these strings: the page's text items in content order, a '\n' after an
   * item that ends a line, a single space between two items of one line when neither side has
   * whitespace and the gap between them is wider than 0.15 x the font size (a space the PDF drew
   * as a gap); then NFC, control characters other than tab and newline dropped, runs of spaces
   * and tabs made one space, each line trimmed, and blank lines at the start and end of the page
   * dropped. A page with no text is ''. Lines are separated by '\n' alone (never '\r').
   *
   * Throws PdfRejectedError (an InvalidMediaError) with its `reason`, and a message saying what is
   * wrong and what to do:
   * - `not_pdf`: `%PDF-` is not within the first 1024 bytes;
   * - `encrypted`: the file has an encryption dictionary, whether it needs a password to open or
   *   opens with the empty user password (owner password only);
   * - `too_many_pages`: it has more than `limits.maxPages` pages (checked before any text is read);
   * - `no_text`: no page has a letter or a digit (an image-only scan);
   * - `unreadable`: anything else pdf.js cannot open or read (corrupt, truncated).
   * RangeError when `limits.maxPages` is not a positive integer. The isolated toolkit runs it in
   * a child process: a PDF over that process's memory or time limit fails with MediaLimitError.
   */
  readPdf(buf: Buffer, limits: PdfLimits): Promise<PdfText>;
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

/** Why a PDF was refused (PdfRejectedError.reason). */
export const PDF_REJECTIONS = ['not_pdf', 'encrypted', 'too_many_pages', 'no_text', 'unreadable'] as const;
export type PdfRejection = (typeof PDF_REJECTIONS)[number];
export const isPdfRejection = (value: unknown): value is PdfRejection => (PDF_REJECTIONS as readonly unknown[]).includes(value);

/** A PDF MediaToolkit.readPdf does not read; `reason` says why for code, the message for people. */
export class PdfRejectedError extends InvalidMediaError {
  override readonly name = 'PdfRejectedError';
  constructor(readonly reason: PdfRejection, message: string) {
    super(message);
  }
}
