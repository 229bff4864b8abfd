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
// No timestamps or encoder strings in the file: the same request gives the same bytes.
const BITEXACT = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact'];

/**
 * An asynchronous video provider with real output: an H.264 (yuv420p, faststart) + AAC MP4 of the
 * request's first frame, or a seeded picture, under a seeded slow zoom and pan, with a sine tone
 * whose pitch follows the seed; the same request gives the same bytes. Its predictions (submit,
 * latency, webhook, loss, STUB_FAIL) are those of every stub: see StubPredictions. (The request
 * holds its first frame, tens of KB: it fits neither an id nor a job's state.)
 */
export class StubVideoProvider extends StubPredictions<VideoRequest, GeneratedVideo> implements VideoProvider {
  readonly name = 'stub-video';

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
    const tone = 220 + Math.floor(rand() * 440);
    const zoom = (0.1 + rand() * 0.2).toFixed(3);
    const [x0, x1, y0, y1] = [rand(), rand(), rand(), rand()].map((v) => v.toFixed(3));
    // The source is twice the output size, so the zoom stays sharp.
    const frame = await this.firstFrame(req, 2 * w, 2 * h);
    return withTempDir(async (dir) => {
      const input = path.join(dir, 'frame.png');
      const output = path.join(dir, 'clip.mp4');
      await writeFile(input, frame);
      const motion =
        `zoompan=z='1+${zoom}*on/${frames}':d=${frames}:s=${w}x${h}:fps=${FPS}` +
        `:x='(iw-iw/zoom)*(${x0}+(${x1}-${x0})*on/${frames})':y='(ih-ih/zoom)*(${y0}+(${y1}-${y0})*on/${frames})'`;
      await this.ffmpeg.run([
        '-y', '-loop', '1', '-framerate', String(FPS), '-i', input,
        '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=44100:duration=${frames / FPS}`,
        '-vf', `${motion},format=yuv420p`, '-frames:v', String(frames),
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '96k', '-shortest', '-movflags', '+faststart', ...BITEXACT, output,
      ]);
      return { mp4: await readFile(output), durationSec: frames / FPS, width: w, height: h };
    });
  }

  private async firstFrame(req: VideoRequest, w: number, h: number): Promise<Buffer> {
    if (!req.image) return renderPicture({ prompt: req.prompt, width: w, height: h, seed: req.seed });
    try {
      return await sharp(req.image, { limitInputPixels: 40_000_000, failOn: 'error' }).timeout({ seconds: 20 }).autoOrient().resize(w, h, { fit: 'cover' }).png().toBuffer();
    } catch (err) {
      throw invalidRequest('video', `unreadable first frame: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
