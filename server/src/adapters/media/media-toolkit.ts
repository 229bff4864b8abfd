import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { InvalidMediaError, type ImageInfo, type ImageMime, type MediaToolkit, type VideoInfo } from '../../core/ports/media';
import { FfmpegRunner, withTempDir } from './ffmpeg-runner';

const IMAGE_MIMES: readonly ImageMime[] = ['image/jpeg', 'image/png', 'image/webp'];

export interface MediaToolkitOptions {
  ffmpeg: FfmpegRunner;
  /** Decoded pixel cap: a decompression bomb is refused before it allocates. */
  maxInputPixels?: number;
  /** Per-operation time limit for sharp, in seconds. */
  sharpTimeoutSec?: number;
}

/** Image work with sharp (bounded pixels and time), audio and video with ffmpeg. */
export class SharpFfmpegToolkit implements MediaToolkit {
  private readonly maxPixels: number;
  private readonly timeoutSec: number;
  constructor(private readonly opts: MediaToolkitOptions) {
    this.maxPixels = opts.maxInputPixels ?? 40_000_000;
    this.timeoutSec = opts.sharpTimeoutSec ?? 20;
  }

  private image(buf: Buffer) {
    return sharp(buf, { limitInputPixels: this.maxPixels, failOn: 'error' }).timeout({ seconds: this.timeoutSec });
  }

  async inspectImage(buf: Buffer): Promise<ImageInfo> {
    const type = await fileTypeFromBuffer(buf);
    if (!type || !(IMAGE_MIMES as string[]).includes(type.mime)) {
      throw new InvalidMediaError(type ? `${type.mime} is not jpeg, png or webp` : 'unrecognised file type');
    }
    try {
      // A full decode, not only the header: truncated or corrupt files fail here.
      const { info } = await this.image(buf).raw().toBuffer({ resolveWithObject: true });
      return { mime: type.mime as ImageMime, width: info.width, height: info.height };
    } catch (err) {
      throw new InvalidMediaError(`cannot decode image: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async normalizeImage(buf: Buffer, size: number) {
    try {
      const { data, info } = await this.image(buf).rotate().resize(size, size, { fit: 'cover', position: 'attention' }).png().toBuffer({ resolveWithObject: true });
      return { png: data, width: info.width, height: info.height };
    } catch (err) {
      throw new InvalidMediaError(`cannot normalise image: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async perceptualHash(buf: Buffer): Promise<string> {
    // dHash: compare neighbouring pixels of a 9x8 greyscale thumbnail.
    const px = await this.image(buf).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
    let bits = 0n;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        bits = (bits << 1n) | (px[y * 9 + x]! > px[y * 9 + x + 1]! ? 1n : 0n);
      }
    }
    return bits.toString(16).padStart(16, '0');
  }

  async posterFrame(mp4: Buffer, width: number) {
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'in.mp4');
      const output = path.join(dir, 'poster.jpg');
      await writeFile(input, mp4);
      await this.opts.ffmpeg.run(['-y', '-ss', '0.1', '-i', input, '-frames:v', '1', '-vf', `scale=${even(width)}:-2`, '-q:v', '3', output]);
      const jpeg = await readFile(output);
      const meta = await sharp(jpeg).metadata();
      return { jpeg, width: meta.width ?? width, height: meta.height ?? 0 };
    });
  }

  async assemble(clips: Buffer[], audio: Buffer) {
    if (clips.length === 0) throw new InvalidMediaError('nothing to assemble');
    return withTempDir(async (dir) => {
      const inputs: string[] = [];
      for (const [i, clip] of clips.entries()) {
        const file = path.join(dir, `clip_${i}.mp4`);
        await writeFile(file, clip);
        inputs.push('-i', file);
      }
      const audioFile = path.join(dir, 'bed.wav');
      await writeFile(audioFile, audio);
      const first = await this.probeVideo(clips[0]!);
      const w = even(first.width);
      const h = even(first.height);
      // Scale every clip to the first one's size, join the video streams, lay the bed under them.
      const scaled = clips.map((_, i) => `[${i}:v]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25,format=yuv420p[v${i}]`);
      const concat = `${clips.map((_, i) => `[v${i}]`).join('')}concat=n=${clips.length}:v=1:a=0[v]`;
      const output = path.join(dir, 'final.mp4');
      await this.opts.ffmpeg.run([
        '-y', ...inputs, '-stream_loop', '-1', '-i', audioFile,
        '-filter_complex', [...scaled, concat].join(';'),
        '-map', '[v]', '-map', `${clips.length}:a`,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '128k', '-shortest', '-movflags', '+faststart', output,
      ]);
      const mp4 = await readFile(output);
      return { mp4, durationSec: (await this.probeVideo(mp4)).durationSec };
    });
  }

  async probeVideo(mp4: Buffer): Promise<VideoInfo> {
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'probe.mp4');
      await writeFile(input, mp4);
      // No ffprobe ships with the package: `ffmpeg -i` prints the stream facts and exits 1.
      const { stderr } = await this.opts.ffmpeg.run(['-i', input], { allowFailure: true });
      return parseProbe(stderr);
    });
  }
}

export function parseProbe(stderr: string): VideoInfo {
  const dur = stderr.match(/Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/);
  const video = stderr.match(/Stream #\S+.*?: Video: (\w+)[^\n]*?, (\d{2,5})x(\d{2,5})/);
  const audio = stderr.match(/Stream #\S+.*?: Audio: (\w+)/);
  if (!dur || !video) throw new InvalidMediaError('not a readable video');
  return {
    durationSec: Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]),
    videoCodec: video[1] ?? null,
    width: Number(video[2]),
    height: Number(video[3]),
    audioCodec: audio?.[1] ?? null,
  };
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
