import { fileURLToPath } from 'node:url';
import { ImageOverLimitError, InvalidMediaError, PdfRejectedError, isPdfRejection, type AssembleClip, type AssembleOptions, type ImageInfo, type ImageScreening, type MediaToolkit, type PdfLimits, type PdfText, type VideoInfo } from '../../core/ports/media';
import { ChildPool, type ChildPoolStats } from './child-pool';

const CHILD = fileURLToPath(new URL('./media-child.ts', import.meta.url));

export interface IsolatedToolkitOptions {
  /** Runs the video operations: ffmpeg already works in its own killed-on-timeout process. */
  video: MediaToolkit;
  /** Image workers kept alive (default 2). */
  workers?: number;
  /** Resident memory an image worker may reach during one call, in bytes (default 1 GiB). */
  memoryCapBytes?: number;
  /** Time one image call may take, in ms (default 30 s). */
  timeoutMs?: number;
  /** Passed to the child's SharpFfmpegToolkit. */
  sharpTimeoutSec?: number;
  maxOutputSize?: number;
}

/**
 * The MediaToolkit the product uses: image work (decoding untrusted uploads) and PDF reading run in a pool of
 * child processes with a memory cap and a time limit (ChildPool), so a runaway input fails its own
 * call with MediaLimitError and the server lives on. Video work is forwarded to `video`.
 */
export class IsolatedMediaToolkit implements MediaToolkit {
  private readonly pool: ChildPool;

  constructor(private readonly opts: IsolatedToolkitOptions) {
    const childOptions = { sharpTimeoutSec: opts.sharpTimeoutSec, maxOutputSize: opts.maxOutputSize };
    this.pool = new ChildPool({
      entry: CHILD,
      args: [JSON.stringify(childOptions)],
      name: 'image worker',
      size: opts.workers ?? 2,
      memoryCapBytes: opts.memoryCapBytes ?? 1024 ** 3,
      timeoutMs: opts.timeoutMs ?? 30_000,
      reviveError: (name, message, reason) =>
        name === 'PdfRejectedError' && isPdfRejection(reason) ? new PdfRejectedError(reason, message)
        : name === 'ImageOverLimitError' ? new ImageOverLimitError(message)
        : name === 'InvalidMediaError' ? new InvalidMediaError(message)
        : name === 'RangeError' ? new RangeError(message)
        : undefined,
    });
  }

  inspectImage(buf: Buffer): Promise<ImageInfo> {
    return this.pool.run('inspectImage', [buf]);
  }

  async normalizeImage(buf: Buffer, size: number) {
    const out = await this.pool.run<{ png: Uint8Array; width: number; height: number }>('normalizeImage', [buf, size]);
    return { ...out, png: toBuffer(out.png) };
  }

  perceptualHash(buf: Buffer): Promise<string> {
    return this.pool.run('perceptualHash', [buf]);
  }

  /** The classifier loads in each image worker on its first screen (about 1 s with TensorFlow.js, ~200 MB), never in this process. */
  screenImage(buf: Buffer): Promise<ImageScreening> {
    return this.pool.run('screenImage', [buf]);
  }

  async cropImage(buf: Buffer, rect: { left: number; top: number; width: number; height: number }) {
    const out = await this.pool.run<{ png: Uint8Array; width: number; height: number }>('cropImage', [buf, rect]);
    return { ...out, png: toBuffer(out.png) };
  }

  async thumbnail(buf: Buffer, width: number) {
    const out = await this.pool.run<{ jpeg: Uint8Array; width: number; height: number }>('thumbnail', [buf, width]);
    return { ...out, jpeg: toBuffer(out.jpeg) };
  }

  /**
   * An uploaded PDF is untrusted bytes: parsed in the pool, under the worker's memory cap and time
   * limit. PdfRejectedError comes back with its reason.
   */
  readPdf(buf: Buffer, limits: PdfLimits): Promise<PdfText> {
    return this.pool.run('readPdf', [buf, limits]);
  }

  posterFrame(mp4: Buffer, width: number) {
    return this.opts.video.posterFrame(mp4, width);
  }

  assemble(clips: AssembleClip[], audio: Buffer, opts?: AssembleOptions) {
    return this.opts.video.assemble(clips, audio, opts);
  }

  probeVideo(mp4: Buffer): Promise<VideoInfo> {
    return this.opts.video.probeVideo(mp4);
  }

  /** A provider's output is untrusted bytes: decoded in the pool like an upload. */
  async conformImage(buf: Buffer) {
    const out = await this.pool.run<{ png: Uint8Array; width: number; height: number }>('conformImage', [buf]);
    return { ...out, png: toBuffer(out.png) };
  }

  conformVideo(buf: Buffer) {
    return this.opts.video.conformVideo(buf);
  }

  conformAudio(buf: Buffer) {
    return this.opts.video.conformAudio(buf);
  }

  stats(): ChildPoolStats {
    return this.pool.stats();
  }

  /** Stops the image workers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

const toBuffer = (u8: Uint8Array) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
