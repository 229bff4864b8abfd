/**
 * The image worker: a child process of IsolatedMediaToolkit running the sharp operations and the
 * PDF reader, so a runaway decode or parse is killed with its process instead of taking the server down.
 * argv[2]: JSON of the SharpFfmpegToolkit options that cross a process (numbers only).
 */
import sharp from 'sharp';
import type { PdfLimits } from '../../core/ports/media';
import { serveChild } from './child-serve';
import { FfmpegRunner } from './ffmpeg-runner';
import { SharpFfmpegToolkit } from './media-toolkit';

// No cache: memory a call used is given back, so the parent's per-call RSS cap measures that call.
sharp.cache(false);
const options = JSON.parse(process.argv[2] ?? '{}') as { sharpTimeoutSec?: number; maxOutputSize?: number };
// Image operations never run ffmpeg; the runner is only there to satisfy the constructor.
const toolkit = new SharpFfmpegToolkit({ ffmpeg: new FfmpegRunner('ffmpeg'), ...options });
const buffer = (u8: Uint8Array) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

serveChild({
  inspectImage: (buf: Uint8Array) => toolkit.inspectImage(buffer(buf)),
  normalizeImage: (buf: Uint8Array, size: number) => toolkit.normalizeImage(buffer(buf), size),
  perceptualHash: (buf: Uint8Array) => toolkit.perceptualHash(buffer(buf)),
  screenImage: (buf: Uint8Array) => toolkit.screenImage(buffer(buf)),
  cropImage: (buf: Uint8Array, rect: { left: number; top: number; width: number; height: number }) => toolkit.cropImage(buffer(buf), rect),
  conformImage: (buf: Uint8Array) => toolkit.conformImage(buffer(buf)),
  thumbnail: (buf: Uint8Array, width: number) => toolkit.thumbnail(buffer(buf), width),
  readPdf: (buf: Uint8Array, limits: PdfLimits) => toolkit.readPdf(buffer(buf), limits),
});
