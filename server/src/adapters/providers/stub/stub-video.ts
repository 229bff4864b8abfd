import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { GeneratedVideo, VideoProvider, VideoRequest } from '../../../core/ports/providers';
import type { FfmpegRunner } from '../../media/ffmpeg-runner';
import { withTempDir } from '../../media/temp-dir';
import { hashString, seededRandom } from './seeded-random';
import { renderPicture } from './stub-picture';
import { StubPredictions, type StubPredictionOptions } from './stub-predictions';
import { checkInt, checkSeconds, invalidRequest, type StubRuntime } from './stub-runtime';

// A stub's slow zoom needs no more; each frame is an x264 encode, and 600 clips at once are bench (f).
const FPS = 15;
const MAX_SIDE = 1920;
const MAX_SECONDS = 60;
const MAX_FRAME_PIXELS = 40_000_000;
// How much larger than the clip its first frame is made, for the window to pan across.
const PAN_SCALE = 1.25;
// The tone's pitch: a note of the A minor pentatonic scale, A3 to D5 (Hz).
const TONES_HZ = [220, 262, 294, 330, 392, 440, 523, 587];
const MAX_TONE_TRACKS = 64;
// No timestamps or encoder strings in the file: the same request gives the same bytes.
const BITEXACT = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'];

/**
 * An asynchronous video provider with real output: an H.264 (yuv420p, faststart) + AAC MP4 of the
 * request's first frame, or a seeded picture, under a seeded slow pan, with a sine tone
 * whose pitch follows the seed; the same request gives the same bytes. Its predictions (submit,
 * latency, webhook, loss, STUB_FAIL) are those of every stub: see StubPredictions. (The request
 * holds its first frame, tens of KB: it fits neither an id nor a job's state.)
 */
export class StubVideoProvider extends StubPredictions<VideoRequest, GeneratedVideo> implements VideoProvider {
  readonly name = 'stub-video';
  /** Encoded tone tracks by `hz:seconds`, oldest first. */
  private readonly tones = new Map<string, Promise<Buffer>>();

  constructor(rt: StubRuntime, private readonly ffmpeg: FfmpegRunner, opts: StubPredictionOptions = {}) {
    super(rt, 'video', 'stubvid', opts);
  }

  protected check(req: VideoRequest): void {
    checkInt('video', 'width', req.width, 2, MAX_SIDE);
    checkInt('video', 'height', req.height, 2, MAX_SIDE);
    checkSeconds('video', req.durationSec, MAX_SECONDS);
  }

  protected prompt(req: VideoRequest): string {
    return req.prompt;
  }

  protected async produce(req: VideoRequest): Promise<GeneratedVideo> {
    // x264 with yuv420p needs even sides.
    const w = even(req.width);
    const h = even(req.height);
    const frames = Math.max(1, Math.round(req.durationSec * FPS));
    const rand = seededRandom(hashString(req.prompt, req.seed));
    const tone = TONES_HZ[Math.floor(rand() * TONES_HZ.length)]!;
    const [x0, x1, y0, y1] = [rand(), rand(), rand(), rand()].map((v) => v.toFixed(3));
    // The frame is fitted once to a little more than the clip, and the clip's window pans across it.
    const [pw, ph] = [even(w * PAN_SCALE), even(h * PAN_SCALE)];
    const source = await this.firstFrame(req, pw, ph);
    const audio = await this.toneTrack(tone, frames / FPS);
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'frame');
      const sound = path.join(dir, 'tone.m4a');
      const output = path.join(dir, 'clip.mp4');
      await writeFile(sound, audio);
      const encode = async (frame: FirstFrame) => {
        await writeFile(input, frame.bytes);
        // ffmpeg decodes and scales the one frame once; `loop` repeats it and each frame is a crop of
        // it (no scaling per frame), a pan x264 predicts well: a third less time than a zoom.
        const motion =
          `${coverFit(pw, ph)},format=yuv420p,loop=loop=${frames - 1}:size=1:start=0,setpts=N/${FPS}/TB,` +
          `crop=${w}:${h}:x='(iw-ow)*(${x0}+(${x1}-${x0})*n/${frames})':y='(ih-oh)*(${y0}+(${y1}-${y0})*n/${frames})'`;
        await this.ffmpeg.run([
          '-y', '-i', input, '-i', sound,
          '-vf', motion, '-frames:v', String(frames), '-r', String(FPS),
          // One thread: the stub's encodes run side by side, and x264's threads cost more CPU than they
          // save. CRF 30: a stub's clip needs no finer picture, and x264's time follows its bits.
          '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-pix_fmt', 'yuv420p', '-threads', '1', '-filter_threads', '1',
          '-c:a', 'copy', '-shortest', '-movflags', '+faststart', ...BITEXACT, output,
        ]);
      };
      try {
        await encode(source);
      } catch (err) {
        // A frame whose header read well but whose body does not: sharp's full decode says why (not retryable).
        if (!source.asGiven) throw err;
        await encode(await this.normalizedFrame(req.image!, pw, ph));
      }
      return { mp4: await readFile(output), durationSec: frames / FPS, width: w, height: h, fps: FPS };
    });
  }

  /**
   * The clip's sound: an AAC sine tone (M4A bytes) of `seconds`, encoded once per tone and length
   * and copied into each clip after that (an AAC encode costs a third of a clip's).
   */
  private toneTrack(hz: number, seconds: number): Promise<Buffer> {
    const key = `${hz}:${seconds}`;
    let track = this.tones.get(key);
    if (!track) {
      track = withTempDir(async (dir) => {
        const file = path.join(dir, 'tone.m4a');
        await this.ffmpeg.run(['-y', '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=44100:duration=${seconds}`, '-c:a', 'aac', '-b:a', '96k', ...BITEXACT, file]);
        return readFile(file);
      });
      // A failed encode is not kept: the next clip tries again.
      track.catch(() => this.tones.delete(key));
      if (this.tones.size >= MAX_TONE_TRACKS) this.tones.delete(this.tones.keys().next().value!);
      this.tones.set(key, track);
    }
    return track;
  }

  /**
   * The clip's first frame, decoded once by ffmpeg: a PNG, JPEG or WebP with no EXIF rotation goes
   * as it is (ffmpeg scales and crops it to cover the clip: no re-encode here); any other image is
   * first oriented and fitted by sharp. Without an image, a seeded picture of the size asked (w x h).
   */
  private async firstFrame(req: VideoRequest, w: number, h: number): Promise<FirstFrame> {
    if (!req.image) return { bytes: await renderPicture({ prompt: req.prompt, width: w, height: h, seed: req.seed }), asGiven: false };
    const meta = await sharp(req.image, { limitInputPixels: MAX_FRAME_PIXELS }).metadata().catch((err: unknown) => {
      throw unreadable(err);
    });
    const direct = ['png', 'jpeg', 'webp'].includes(meta.format ?? '') && (meta.orientation ?? 1) === 1 && (meta.width ?? 0) * (meta.height ?? 0) <= MAX_FRAME_PIXELS;
    return direct ? { bytes: req.image, asGiven: true } : this.normalizedFrame(req.image, w, h);
  }

  private async normalizedFrame(image: Buffer, w: number, h: number): Promise<FirstFrame> {
    try {
      return { bytes: await sharp(image, { limitInputPixels: MAX_FRAME_PIXELS, failOn: 'error' }).timeout({ seconds: 20 }).autoOrient().resize(w, h, { fit: 'cover' }).png().toBuffer(), asGiven: false };
    } catch (err) {
      throw unreadable(err);
    }
  }
}

interface FirstFrame {
  bytes: Buffer;
  /** The caller's bytes, which only their header was read of: a failed encode tries again through sharp. */
  asGiven: boolean;
}

const unreadable = (err: unknown) => invalidRequest('video', `unreadable first frame: ${err instanceof Error ? err.message : String(err)}`, { cause: err });

/** ffmpeg's filter for sharp's `fit: 'cover'`: scale to cover w x h, then crop the middle. */
const coverFit = (w: number, h: number) => `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
